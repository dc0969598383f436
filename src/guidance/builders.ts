/**
 * The public builders (`cfg`, `pag`, …): each method file's builder wrapped by `recordingBuilder`, so every term a
 * notebook or the CLI builds records its options and `sample` can rebuild it on worker threads, with no code per method.
 */
import { autoguidance as autoguidanceBuild } from './methods/autoguidance';
import { apg as apgBuild } from './methods/apg';
import { cfg as cfgBuild } from './methods/cfg';
import { cfgpp as cfgppBuild } from './methods/cfgpp';
import { cfgZero as cfgZeroBuild } from './methods/cfg-zero';
import { erg as ergBuild } from './methods/erg';
import { fdg as fdgBuild } from './methods/fdg';
import { icg as icgBuild } from './methods/icg';
import { mamboG as mamboGBuild } from './methods/mambo-g';
import { pag as pagBuild } from './methods/pag';
import { sag as sagBuild } from './methods/sag';
import { seg as segBuild } from './methods/seg';
import { sims as simsBuild } from './methods/sims';
import { slg as slgBuild } from './methods/slg';
import { tcfg as tcfgBuild } from './methods/tcfg';
import { tpg as tpgBuild } from './methods/tpg';
import { tsg as tsgBuild } from './methods/tsg';
import { recordingBuilder } from './term';

/** Returns the CFG term (see `methods/cfg.ts`). */
export const cfg = recordingBuilder(cfgBuild);
/** Returns the SAG term (see `methods/sag.ts`). */
export const sag = recordingBuilder(sagBuild);
/** Returns the PAG term (see `methods/pag.ts`). */
export const pag = recordingBuilder(pagBuild);
/** Returns the SEG term (see `methods/seg.ts`). */
export const seg = recordingBuilder(segBuild);
/** Returns the autoguidance term (see `methods/autoguidance.ts`). */
export const autoguidance = recordingBuilder(autoguidanceBuild);
/** Returns the ICG term (see `methods/icg.ts`). */
export const icg = recordingBuilder(icgBuild);
/** Returns the TSG term (see `methods/tsg.ts`). */
export const tsg = recordingBuilder(tsgBuild);
/** Returns the SIMS term (see `methods/sims.ts`). */
export const sims = recordingBuilder(simsBuild);
/** Returns the APG term (see `methods/apg.ts`). */
export const apg = recordingBuilder(apgBuild);
/** Returns the CFG++ term (see `methods/cfgpp.ts`). */
export const cfgpp = recordingBuilder(cfgppBuild);
/** Returns the CFG-Zero* term (see `methods/cfg-zero.ts`). */
export const cfgZero = recordingBuilder(cfgZeroBuild);
/** Returns the FDG term (see `methods/fdg.ts`). */
export const fdg = recordingBuilder(fdgBuild);
/** Returns the TCFG term (see `methods/tcfg.ts`). */
export const tcfg = recordingBuilder(tcfgBuild);
/** Returns the MAMBO-G term (see `methods/mambo-g.ts`). */
export const mamboG = recordingBuilder(mamboGBuild);
/** Returns the SLG term (see `methods/slg.ts`). */
export const slg = recordingBuilder(slgBuild);
/** Returns the TPG term (see `methods/tpg.ts`). */
export const tpg = recordingBuilder(tpgBuild);
/** Returns the ERG term (see `methods/erg.ts`). */
export const erg = recordingBuilder(ergBuild);
