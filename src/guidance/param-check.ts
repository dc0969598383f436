/**
 * Checks of a method's parameter values (numeric ranges, named choices), with errors that name the method, the
 * parameter, the bad value and what is allowed.
 */
import type { MethodName } from './term';

/** A number's allowed values: inclusive `min`/`max`, exclusive `above`/`below`, whole numbers, Infinity. */
export interface NumberRange {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  integer?: boolean;
  infinite?: boolean;
}

/** Returns the range as an error message shows it, e.g. "a number in [0, 1]" or "an integer ≥ 0". */
export function rangeText(r: NumberRange): string {
  const lo = r.min !== undefined ? `[${r.min}` : r.above !== undefined ? `(${r.above}` : '(−∞';
  const hi = r.max !== undefined ? `${r.max}]` : r.below !== undefined ? `${r.below})` : r.infinite ? '∞]' : '∞)';
  return `${r.integer ? 'an integer' : 'a number'} in ${lo}, ${hi}`;
}

/** Returns `value` after checking it lies in `range`; throws naming method, parameter, value and range. */
export function checkRange(method: MethodName, name: string, value: number, range: NumberRange): number {
  const finite = Number.isFinite(value) || (range.infinite === true && value === Infinity);
  const ok =
    typeof value === 'number' &&
    finite &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (range.above === undefined || value > range.above) &&
    (range.below === undefined || value < range.below);
  if (!ok) throw new Error(`${method}: ${name} must be ${rangeText(range)}; got ${value}`);
  return value;
}

/** Returns `value` when it is one of `choices`; throws naming the method, the parameter, the value and the choices. */
export function checkChoice<T extends string>(method: MethodName, name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new Error(`${method}: ${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}
