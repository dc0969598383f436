/**
 * Guidance terms by method name (for sweeps and the CLI), and the options each method accepts.
 */
import { AUTOGUIDANCE_OPTIONS, autoguidance } from './autoguidance';
import { CFG_OPTIONS, cfg } from './cfg';
import { ICG_OPTIONS, icg } from './icg';
import { PAG_OPTIONS, pag } from './pag';
import { SAG_OPTIONS, sag } from './sag';
import { SEG_OPTIONS, seg } from './seg';
import { SIMS_OPTIONS, sims } from './sims';
import { TSG_OPTIONS, tsg } from './tsg';
import { ERG_OPTIONS, erg } from './erg';
import { SLG_OPTIONS, slg } from './slg';
import { TPG_OPTIONS, tpg } from './tpg';
import { GuidanceTerm, METHODS, type MethodName, type OptionTable } from './term';

const BUILDERS: Record<MethodName, (opts: never) => GuidanceTerm> = { cfg, sag, pag, seg, autoguidance, icg, tsg, sims, slg, tpg, erg };

/** The options each method's builder accepts, with their kinds (each table lives beside its method). */
export const METHOD_OPTIONS: Record<MethodName, OptionTable> = {
  cfg: CFG_OPTIONS,
  sag: SAG_OPTIONS,
  pag: PAG_OPTIONS,
  seg: SEG_OPTIONS,
  autoguidance: AUTOGUIDANCE_OPTIONS,
  icg: ICG_OPTIONS,
  tsg: TSG_OPTIONS,
  sims: SIMS_OPTIONS,
  slg: SLG_OPTIONS,
  tpg: TPG_OPTIONS,
  erg: ERG_OPTIONS,
};

/** Returns the option naming the other model `method` needs (autoguidance: `guide`, sims: `negative`), or undefined. */
export function modelOption(method: MethodName): string | undefined {
  return Object.entries(METHOD_OPTIONS[method]).find(([, kind]) => kind === 'model')?.[0];
}

/** Returns `method` when it is a guidance method's name, or throws listing the methods. */
function methodName(method: string): MethodName {
  if (!(METHODS as readonly string[]).includes(method)) throw new Error(`unknown guidance method "${method}"; methods: ${METHODS.join(', ')}`);
  return method as MethodName;
}

/** Returns the term of `method` built from its options, or throws listing the methods (or naming the bad option). */
export function guidanceTerm(method: string, options: Record<string, unknown>): GuidanceTerm {
  return BUILDERS[methodName(method)](options as never);
}
