/**
 * Guidance terms by method name (for sweeps and the CLI).
 */
import { autoguidance } from './autoguidance';
import { cfg } from './cfg';
import { icg } from './icg';
import { pag } from './pag';
import { sag } from './sag';
import { seg } from './seg';
import { sims } from './sims';
import { tsg } from './tsg';
import { GuidanceTerm, METHODS } from './term';

const BUILDERS: Record<(typeof METHODS)[number], (opts: never) => GuidanceTerm> = { cfg, sag, pag, seg, autoguidance, icg, tsg, sims };

/** Returns the term of `method` built from its options, or throws listing the methods. */
export function guidanceTerm(method: string, options: Record<string, unknown>): GuidanceTerm {
  if (!(METHODS as readonly string[]).includes(method)) throw new Error(`unknown guidance method "${method}"; methods: ${METHODS.join(', ')}`);
  return BUILDERS[method as (typeof METHODS)[number]](options as never);
}
