/**
 * Checks of a method's parameter values against its descriptor's parameter table (range, Infinity, whole numbers,
 * choices), with errors that name the method, the parameter, the bad value and what is allowed.
 */
import { type MethodName, type ParamRange, type ParamTable, kindText } from './term';

/** Returns the bounds as text, e.g. "≥ 0", "> 0", "≥ 0, ≤ 1"; "" when unbounded. */
export function rangeText(r: ParamRange | undefined): string {
  if (!r) return '';
  const lo = r.min !== undefined ? `≥ ${r.min}` : r.above !== undefined ? `> ${r.above}` : '';
  const hi = r.max !== undefined ? `≤ ${r.max}` : r.below !== undefined ? `< ${r.below}` : '';
  return [lo, hi].filter(Boolean).join(', ');
}

/** Returns `value` after checking it against parameter `name` of `params`; throws naming method, parameter, value and what is allowed. */
export function checkParam<T extends number | string>(method: MethodName, params: ParamTable, name: string, value: T): T {
  const p = params[name];
  if (p.choices) {
    if (p.choices.includes(value as string)) return value;
    throw new Error(`${method}: ${name} must be one of ${p.choices.join(', ')}; got ${JSON.stringify(value)}`);
  }
  const v = value as number;
  const r = p.range ?? {};
  const ok =
    typeof v === 'number' &&
    (Number.isFinite(v) || (p.infinite === true && v === Infinity)) &&
    (p.kind !== 'integer' || Number.isInteger(v) || v === Infinity) &&
    (r.min === undefined || v >= r.min) &&
    (r.max === undefined || v <= r.max) &&
    (r.above === undefined || v > r.above) &&
    (r.below === undefined || v < r.below);
  if (!ok) {
    const allowed = [kindText(p.kind), rangeText(p.range), p.infinite ? 'or Infinity' : ''].filter(Boolean).join(' ');
    throw new Error(`${method}: ${name} must be ${allowed}; got ${v}`);
  }
  return value;
}
