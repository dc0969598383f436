/**
 * The parsers of every command-line option value: numbers (finite, range-checked), comma lists,
 * names and worker counts. Each takes the raw text and the flag and throws an error that echoes
 * both and says what is allowed; commander calls them as `(raw) => value`.
 */
import { availableParallelism } from 'node:os';

/** Bounds of a numeric option; each is inclusive (`min`, `max`) or exclusive (`above`, `below`). */
export interface Bounds {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

/** A decimal number as typed: optional sign, digits with an optional point, optional exponent (no hex, no blanks). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Returns the words saying what a number within `b` is, e.g. "an integer ≥ 0" or "a finite number in [0, 1)" ("integers ≥ 0" when
 * `plural`).
 */
function describeNumber(b: Bounds, integer: boolean, plural = false): string {
  const noun = integer ? 'integer' : 'finite number';
  const what = plural ? `${noun}s` : `${integer ? 'an' : 'a'} ${noun}`;
  const lo = b.min !== undefined ? { v: b.min, open: false } : b.above !== undefined ? { v: b.above, open: true } : undefined;
  const hi = b.max !== undefined ? { v: b.max, open: false } : b.below !== undefined ? { v: b.below, open: true } : undefined;
  if (lo && hi) return `${what} in ${lo.open ? '(' : '['}${lo.v}, ${hi.v}${hi.open ? ')' : ']'}`;
  if (lo) return `${what} ${lo.open ? '>' : '≥'} ${lo.v}`;
  if (hi) return `${what} ${hi.open ? '<' : '≤'} ${hi.v}`;
  return what;
}

function within(n: number, b: Bounds): boolean {
  return (
    (b.min === undefined || n >= b.min) &&
    (b.max === undefined || n <= b.max) &&
    (b.above === undefined || n > b.above) &&
    (b.below === undefined || n < b.below)
  );
}

/** Returns the finite number `raw` of option `flag` within `bounds`; throws echoing both and saying what is allowed. */
function parseNumber(raw: string, flag: string, bounds: Bounds = {}, integer = false): number {
  const n = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || !within(n, bounds)) {
    throw new Error(`${flag} must be ${describeNumber(bounds, integer)}; got "${raw}"`);
  }
  return n;
}

/** Returns a commander parser of a finite number within `bounds` for `flag`. */
export function number(flag: string, bounds: Bounds = {}): (raw: string) => number {
  return (raw) => parseNumber(raw, flag, bounds);
}

/** Returns a commander parser of an integer within `bounds` for `flag`. */
export function integer(flag: string, bounds: Bounds = {}): (raw: string) => number {
  return (raw) => parseNumber(raw, flag, bounds, true);
}

/** Returns the non-empty comma-separated items of `raw` (blanks trimmed); throws on an empty list or an empty item. */
function parseItems(raw: string, flag: string, what: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new Error(`${flag} must be a comma-separated list of ${what} without empty items; got "${raw}"`);
  return items;
}

/** Returns a commander parser of a comma list of numbers (each within `bounds`, integers when `int`). */
export function numberList(flag: string, bounds: Bounds = {}, int = false): (raw: string) => number[] {
  const what = describeNumber(bounds, int, true);
  return (raw) =>
    parseItems(raw, flag, what).map((item) => {
      try {
        return parseNumber(item, flag, bounds, int);
      } catch {
        throw new Error(`${flag} must be a comma-separated list of ${what}; "${item}" in "${raw}" is not one`);
      }
    });
}

/** Returns a commander parser of a comma list of names (exact, non-empty). */
export function nameList(flag: string): (raw: string) => string[] {
  return (raw) => parseItems(raw, flag, 'names');
}

/** Returns a commander parser of one of `allowed`. */
export function oneOf<T extends string>(flag: string, allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${flag} must be one of ${allowed.join(', ')}; got "${raw}"`);
    return raw as T;
  };
}

/** Returns a commander parser of a σ interval `lo,hi` with 0 ≤ lo < hi (hi may be `inf`). */
export function interval(flag: string): (raw: string) => [number, number] {
  return (raw) => {
    const items = parseItems(raw, flag, 'two numbers lo,hi');
    const bad = (): Error => new Error(`${flag} must be two numbers lo,hi with 0 ≤ lo < hi (hi may be inf); got "${raw}"`);
    if (items.length !== 2) throw bad();
    const hiText = items[1].toLowerCase();
    const lo = Number(items[0]);
    const hi = hiText === 'inf' || hiText === 'infinity' ? Infinity : Number(items[1]);
    if (!DECIMAL.test(items[0]) || !(hi === Infinity || DECIMAL.test(items[1])) || !(lo >= 0 && hi > lo)) throw bad();
    return [lo, hi];
  };
}

/** Returns a non-empty name (no path separators and not `.`/`..`), echoing `raw` when it is not one. */
export function plainName(raw: string, flag: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(raw) || raw.includes('..')) {
    throw new Error(
      `${flag} must be a non-empty name of letters, digits, ".", "_" and "-" (starting with a letter or digit, no "/" or ".."); got "${raw}"`,
    );
  }
  return raw;
}

/**
 * Returns `n` threads capped at the core count `cores` (os.availableParallelism()), writing a warning
 * to `warn` when it caps: more threads than cores only multiply the memory (each holds a model).
 */
export function capWorkers(
  n: number,
  flag: string,
  cores: number = availableParallelism(),
  warn: (line: string) => void = (l) => process.stderr.write(l),
): number {
  if (n <= cores) return n;
  warn(`warning: ${flag} ${n} is more than the ${cores} cores of this machine; using ${cores}\n`);
  return cores;
}

/** Returns a commander parser of a worker count: an integer ≥ `min`, capped at the core count with a warning. */
export function workers(flag: string, min: number): (raw: string) => number {
  return (raw) => capWorkers(parseNumber(raw, flag, { min }, true), flag);
}
