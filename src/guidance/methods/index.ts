/**
 * The built-in guidance methods, one line each, in the order lists and tables show them.
 * Adding a method: its file in this folder, then one import and one line in the list (ARCHITECTURE.md).
 */
import type { MethodDescriptor } from '../registry';
import { AUTOGUIDANCE_METHOD } from './autoguidance';
import { CFG_METHOD } from './cfg';
import { ICG_METHOD } from './icg';
import { PAG_METHOD } from './pag';
import { SAG_METHOD } from './sag';
import { SEG_METHOD } from './seg';
import { SIMS_METHOD } from './sims';
import { TSG_METHOD } from './tsg';
import { APG_METHOD } from './apg';
import { CFGPP_METHOD } from './cfgpp';
import { CFG_ZERO_METHOD } from './cfg-zero';
import { FDG_METHOD } from './fdg';
import { TCFG_METHOD } from './tcfg';
import { MAMBO_G_METHOD } from './mambo-g';
import { SLG_METHOD } from './slg';
import { TPG_METHOD } from './tpg';
import { ERG_METHOD } from './erg';

/** The built-in methods' descriptors. */
export const BUILT_IN_METHODS: readonly MethodDescriptor[] = [
  CFG_METHOD,
  SAG_METHOD,
  PAG_METHOD,
  SEG_METHOD,
  AUTOGUIDANCE_METHOD,
  ICG_METHOD,
  TSG_METHOD,
  SIMS_METHOD,
  APG_METHOD,
  CFGPP_METHOD,
  CFG_ZERO_METHOD,
  FDG_METHOD,
  TCFG_METHOD,
  MAMBO_G_METHOD,
  SLG_METHOD,
  TPG_METHOD,
  ERG_METHOD,
];
