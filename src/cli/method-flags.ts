/**
 * The `sample` command's method flags, derived from the method descriptors: a parameter with a `flag`
 * is set by `--<flag>` (shared by every method with a parameter of that flag), every parameter by
 * `--param name=value`; a value is read by its parameter's kind.
 */
import type { Command } from 'commander';
import { findMethod, methodDescriptors, methodNames, modelParam } from '../guidance/registry';
import type { ParamKind, ParamSpec } from '../guidance/term';
import { type Bounds, integer, interval, nameList, number } from './options';

/** The sample command's own flags, which no method parameter may take. */
const RESERVED = ['model', 'out', 'method', 'cfg', 'labels', 'n', 'steps', 'sampler', 'seed', 'param', 'help'];

/** One parameter of one method. */
interface Use {
  method: string;
  param: string;
  spec: ParamSpec;
}

/** A method flag: its name, the parameters it sets, the placeholder and parser of its value, its help line. */
export interface MethodFlag {
  flag: string;
  uses: Use[];
  placeholder: string;
  parse: (raw: string) => unknown;
  help: string;
}

/** The values of the method flags, `--param` items and `--method` as commander gives them. */
export type MethodFlagValues = { method?: string; param?: string[] } & Record<string, unknown>;

const PLACEHOLDER: Record<ParamKind, string> = {
  number: 'x',
  integer: 'n',
  name: 'name',
  layer: 'layer',
  layers: 'names',
  blocks: 'names',
  interval: 'lo,hi',
  model: 'model',
  function: 'function',
};

/** Returns the parser of a value of `kind` given as `flag` (numbers within `range`; a layer list for `layer`/`layers` when `list`). */
function kindParser(kind: ParamKind, flag: string, range: Bounds | undefined, list: boolean): (raw: string) => unknown {
  if (kind === 'number') return number(flag, range);
  if (kind === 'integer') return integer(flag, range);
  if (kind === 'interval') return interval(flag);
  if (kind === 'layers' || kind === 'blocks' || (kind === 'layer' && list)) return nameList(flag);
  if (kind === 'function') throw new Error(`${flag}: a function cannot be given on the command line`);
  return (raw) => raw;
}

/** Returns the params of a method in the order flags are listed: γ first, the method's own, the interval last. */
function flagOrder(params: Record<string, ParamSpec>): [string, ParamSpec][] {
  const rank = (k: string): number => (k === 'gamma' ? 0 : k === 'interval' ? 2 : 1);
  return Object.entries(params).sort(([a], [b]) => rank(a) - rank(b));
}

/** Returns one help line: each distinct help text once, with the methods using it unless all use it. */
function flagHelp(uses: Use[], methods: number): string {
  const byHelp = new Map<string, string[]>();
  for (const u of uses) byHelp.set(u.spec.help, [...(byHelp.get(u.spec.help) ?? []), u.method]);
  if (byHelp.size === 1 && uses.length === methods) return uses[0].spec.help;
  return [...byHelp].map(([help, ms]) => `${ms.join(', ')}: ${help}`).join('; ');
}

/**
 * Returns the method flags of the registered methods; throws when a flag is reserved, set by a function parameter,
 * or declared with kinds that cannot share one parser.
 */
export function methodFlags(): MethodFlag[] {
  const byFlag = new Map<string, Use[]>();
  const descriptors = methodDescriptors();
  for (const d of descriptors) {
    for (const [param, spec] of flagOrder(d.params)) {
      if (spec.flag === undefined) continue;
      if (RESERVED.includes(spec.flag))
        throw new Error(`${d.name}: parameter ${param} cannot take flag --${spec.flag} (sample's own flag)`);
      byFlag.set(spec.flag, [...(byFlag.get(spec.flag) ?? []), { method: d.name, param, spec }]);
    }
  }
  return [...byFlag].map(([flag, uses]) => {
    const kinds = [...new Set(uses.map((u) => u.spec.kind))];
    const layerKinds = kinds.every((k) => k === 'layer' || k === 'layers');
    if (kinds.length > 1 && !layerKinds) {
      throw new Error(`--${flag} is declared with different kinds: ${uses.map((u) => `${u.method}.${u.param} ${u.spec.kind}`).join(', ')}`);
    }
    const ranges = [...new Set(uses.map((u) => JSON.stringify(u.spec.range ?? {})))];
    const range = ranges.length === 1 ? uses[0].spec.range : undefined;
    const kind = layerKinds && kinds.length > 1 ? 'layers' : kinds[0];
    const parse = kindParser(kind, `--${flag}`, range, layerKinds);
    return { flag, uses, placeholder: PLACEHOLDER[kind], parse, help: flagHelp(uses, descriptors.length) };
  });
}

/** Adds the method flags and the repeatable `--param name=value` to `cmd`. */
export function addMethodFlags(cmd: Command): Command {
  for (const f of methodFlags()) cmd.option(`--${f.flag} <${f.placeholder}>`, f.help, f.parse);
  return cmd.option(
    '--param <name=value>',
    'set any parameter of --method (repeatable; see `guidance-lab methods`)',
    (raw: string, prev: string[] = []) => [...prev, raw],
  );
}

/** Returns the value of a layer parameter given as a flag's list: its one item, or throws naming the count. */
function oneLayer(flag: string, method: string, spec: ParamSpec, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  if (value.length !== 1)
    throw new Error(`--${flag}: ${method} reads one layer (${spec.role ?? spec.help}); got ${value.length}: "${value.join(',')}"`);
  return value[0];
}

/** Returns the options `--param name=value` items set for `method`, refusing unknown names and names already set. */
function paramOptions(items: string[], method: string, set: Record<string, unknown>): Record<string, unknown> {
  const { params } = findMethod(method);
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--param must look like name=value; got "${item}"`);
    const name = item.slice(0, eq);
    const spec = params[name];
    if (spec === undefined)
      throw new Error(`--param: ${method} has no parameter "${name}"; ${method} parameters: ${Object.keys(params).join(', ')}`);
    if (name in set || name in out) throw new Error(`--param ${name}: ${method}'s ${name} is given twice`);
    out[name] = kindParser(spec.kind, `--param ${name}`, spec.range, false)(item.slice(eq + 1));
  }
  return out;
}

/**
 * Returns the options of --method from the flags and `--param` items given (models by name), or throws naming a flag
 * that does not apply (no --method, or a method without such a parameter) and a missing model.
 */
export function methodOptions(o: MethodFlagValues): Record<string, unknown> {
  const flags = methodFlags();
  const given = flags.filter((f) => o[f.flag] !== undefined).map((f) => f.flag);
  if (o.param?.length) given.push('param');
  if (!o.method) {
    if (given.length > 0) {
      throw new Error(
        `--${given[0]} sets an option of --method, and no --method is given (methods: ${methodNames().join(', ')}; --cfg alone stacks CFG)`,
      );
    }
    return {};
  }
  const method = findMethod(o.method).name;
  const accepted = flagOrder(findMethod(method).params).flatMap(([, spec]) => (spec.flag === undefined ? [] : [`--${spec.flag}`]));
  const opts: Record<string, unknown> = {};
  for (const f of flags) {
    if (o[f.flag] === undefined) continue;
    const use = f.uses.find((u) => u.method === method);
    if (use === undefined) throw new Error(`--${f.flag} does not apply to ${method}; ${method} takes ${accepted.join(', ')}`);
    opts[use.param] = use.spec.kind === 'layer' ? oneLayer(f.flag, method, use.spec, o[f.flag]) : o[f.flag];
  }
  Object.assign(opts, paramOptions(o.param ?? [], method, opts));
  const needs = modelParam(method);
  if (needs !== undefined && opts[needs] === undefined) {
    const flag = findMethod(method).params[needs].flag;
    throw new Error(`${method} needs ${flag ? `--${flag} <model>` : `--param ${needs}=<model>`} (a shipped name or checkpoint path)`);
  }
  return opts;
}
