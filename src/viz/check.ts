/**
 * Input checks shared by the spec builders. The policy for bad numbers is *refuse*: NaN and
 * ±Infinity throw with the builder, the field and the index, never silently dropped, so a chart
 * never hides a failed run.
 */

/** Throws unless `items` is non-empty; returns it unchanged. */
export function nonEmpty<T>(where: string, what: string, items: readonly T[]): readonly T[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new Error(`${where}: ${what} is empty; give at least one`);
  }
  return items;
}

/** Throws unless `value` is a finite number; returns it. */
export function finite(where: string, what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${where}: ${what} is ${String(value)}; values must be finite numbers (NaN and Infinity are refused)`);
  }
  return value;
}

/** Throws unless every entry of `values` is finite; returns them. */
export function allFinite(where: string, what: string, values: ArrayLike<number>): ArrayLike<number> {
  for (let i = 0; i < values.length; i++) finite(where, `${what}[${i}]`, values[i]);
  return values;
}

/** Throws unless `n` is a positive integer; returns it. */
export function positiveInt(where: string, what: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${where}: ${what} is ${String(n)}; it must be a positive integer`);
  return n;
}

/** Throws unless `values` holds exactly height×width finite numbers; returns them. */
export function grid(where: string, what: string, values: ArrayLike<number>, height: number, width: number): ArrayLike<number> {
  positiveInt(where, `${what}.height`, height);
  positiveInt(where, `${what}.width`, width);
  if (values == null || values.length !== height * width) {
    throw new Error(
      `${where}: ${what} has ${values == null ? 'no' : values.length} values but height×width is ${height}×${width} = ${height * width}`,
    );
  }
  return allFinite(where, what, values);
}

/** Throws unless two grids have the same size, naming both. */
export function sameSize(where: string, a: string, ah: number, aw: number, b: string, bh: number, bw: number): void {
  if (ah !== bh || aw !== bw) {
    throw new Error(`${where}: ${b} is ${bh}×${bw} but ${a} is ${ah}×${aw}; resample ${b} to ${ah}×${aw} first`);
  }
}
