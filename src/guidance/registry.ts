/**
 * The guidance methods by name. Each method is one file in `methods/` exporting a descriptor (what
 * it is, its parameters, its builder); everything that lists or checks methods — `guidanceTerm`,
 * the sweep spec, the CLI's `sample` flags and `methods` table, the README's table — reads them here.
 */
import { BUILT_IN_METHODS } from './methods/index';
import { type GuidanceTerm, type MethodName, type ParamTable, checkOptions, recordingBuilder } from './term';

/** A guidance method: its name, what it does, where it comes from, its parameters and its builder. */
export interface MethodDescriptor {
  /** The name terms, sweep specs and the CLI use: lower case letters, digits and "-" (e.g. "pag"). */
  readonly name: MethodName;
  /** One line saying what the negative is. */
  readonly summary: string;
  /** The paper: authors, year, title. */
  readonly paper: string;
  /** Its parameters, γ and the σ interval first (see `termParams`). */
  readonly params: ParamTable;
  /** Returns the term from its options; throws naming a bad option (the public builder, e.g. `pag`). */
  readonly build: (options: never) => GuidanceTerm;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const registered = new Map<MethodName, MethodDescriptor>();

/**
 * Adds a method to the registry (after the built-in ones) and returns a function that removes it again;
 * throws on a malformed name, a name already taken, a method without γ, or more than one model parameter.
 */
export function registerMethod(d: MethodDescriptor): () => void {
  if (!NAME.test(d.name)) throw new Error(`method name "${d.name}" must be lower case letters, digits and "-", starting with a letter`);
  if (registered.has(d.name)) throw new Error(`guidance method "${d.name}" is already registered`);
  if (d.params.gamma?.kind !== 'number') throw new Error(`method ${d.name}: params must include gamma (use termParams)`);
  const models = Object.keys(d.params).filter((k) => d.params[k].kind === 'model');
  if (models.length > 1) throw new Error(`method ${d.name}: at most one model parameter; got ${models.join(', ')}`);
  registered.set(d.name, { ...d, build: recordingBuilder(d.build) }); // its terms record their options (workers rebuild them)
  return () => {
    registered.delete(d.name);
  };
}

for (const d of BUILT_IN_METHODS) registerMethod(d);

/** Returns the registered methods' names, built-in ones first, in their list's order. */
export function methodNames(): MethodName[] {
  return [...registered.keys()];
}

/** Returns the registered methods' descriptors, in the order of `methodNames`. */
export function methodDescriptors(): MethodDescriptor[] {
  return [...registered.values()];
}

/** Returns the descriptor of `method`, or throws listing the methods. */
export function findMethod(method: string): MethodDescriptor {
  const d = registered.get(method);
  if (!d) throw new Error(`unknown guidance method "${method}"; methods: ${methodNames().join(', ')}`);
  return d;
}

/** Returns the term of `method` built from its options, or throws listing the methods (or naming the bad option). */
export function guidanceTerm(method: string, options: Record<string, unknown>): GuidanceTerm {
  const d = findMethod(method);
  checkOptions(d.name, options, d.params);
  return d.build(options as never);
}

/** Returns the parameter naming the other model `method` needs (autoguidance: `guide`, sims: `negative`), or undefined. */
export function modelParam(method: string): string | undefined {
  const { params } = findMethod(method);
  return Object.keys(params).find((k) => params[k].kind === 'model');
}

/** Returns every registered method's model parameter name, once each (e.g. `guide`, `negative`). */
export function modelParams(): string[] {
  return [...new Set(methodNames().flatMap((m) => modelParam(m) ?? []))];
}

/** Returns the parameters a sweep spec may set for `method`: its own but γ (from `gammas`), models (named apart) and functions. */
export function specParams(method: string): string[] {
  const { params } = findMethod(method);
  return Object.keys(params).filter((k) => k !== 'gamma' && params[k].kind !== 'model' && params[k].kind !== 'function');
}
