/**
 * Per-sample values of sweep runs, what the bootstrap resamples: one run is one point at one seed,
 * its rows are per-sample features (or per-sample scores such as 0/1 correctness), tagged with the
 * space they live in (the extractor's digest) and the sample indices that fix each sample's noise.
 */

/** Rows `[n, d]` row-major (float32 from a cache, float64 when computed). */
export interface SampleRows {
  data: Float32Array | Float64Array;
  n: number;
  d: number;
}

/** One run (one point at one seed): sample i of `rows` was sampled from noise (seed, indices[i]). */
export interface SampleRun {
  seed: number;
  /** Sample indices, one per row: with the seed they identify each sample's noise. */
  indices: readonly number[];
  rows: SampleRows;
  /** The feature space of `rows`, e.g. the feature extractor's digest ('score' for per-sample scores). */
  space: string;
}

/** Runs pooled into one matrix: rows of run 0, then run 1, …; `groups[g]` is run g's row count. */
export interface RunPool {
  data: Float64Array;
  n: number;
  d: number;
  groups: number[];
  space: string;
  seeds: number[];
}

/** Returns the runs pooled in seed order; throws unless there are ≥ 2 distinct seeds, rows match indices, and one space and width. */
export function poolRuns(runs: readonly SampleRun[], name: string): RunPool {
  if (!Array.isArray(runs) || runs.length < 2) {
    throw new Error(`${name}: statistics need runs at ≥ 2 seeds (resampling seeds needs more than one); got ${runs?.length ?? 0}`);
  }
  const sorted = [...runs].sort((a, b) => a.seed - b.seed);
  sorted.forEach((r, i) => {
    if (!Number.isInteger(r.seed)) throw new Error(`${name}: run ${i} has seed ${r.seed}; seeds must be integers`);
    if (i > 0 && r.seed === sorted[i - 1].seed) throw new Error(`${name}: seed ${r.seed} appears twice; give one run per seed`);
    if (r.rows.n !== r.indices.length) {
      throw new Error(`${name}: seed ${r.seed} has ${r.rows.n} rows but ${r.indices.length} sample indices`);
    }
    if (r.rows.n < 1 || r.rows.data.length !== r.rows.n * r.rows.d) {
      throw new Error(`${name}: seed ${r.seed} rows hold ${r.rows.data.length} values for [${r.rows.n}, ${r.rows.d}]`);
    }
    checkSameSpace(sorted[0].space, r.space, `${name}: seed ${sorted[0].seed} vs seed ${r.seed}`);
    if (r.rows.d !== sorted[0].rows.d) {
      throw new Error(`${name}: seed ${r.seed} rows have ${r.rows.d} columns, seed ${sorted[0].seed} has ${sorted[0].rows.d}`);
    }
  });
  const d = sorted[0].rows.d;
  const n = sorted.reduce((s, r) => s + r.rows.n, 0);
  const data = new Float64Array(n * d);
  let at = 0;
  for (const r of sorted) {
    data.set(r.rows.data, at);
    at += r.rows.data.length;
  }
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${name}: pooled row ${Math.floor(bad / d)}, column ${bad % d} is ${data[bad]}; values must be finite`);
  return { data, n, d, groups: sorted.map((r) => r.rows.n), space: sorted[0].space, seeds: sorted.map((r) => r.seed) };
}

/** Throws, naming both spaces, unless `a` and `b` are the same feature space. */
export function checkSameSpace(a: string, b: string, what: string): void {
  if (a !== b) {
    throw new Error(`${what}: feature sets of different spaces ("${a}" and "${b}") cannot be compared; measure both with one extractor`);
  }
}

/**
 * Throws unless `a` and `b` are paired: the same seeds, and at each seed the same sample indices in the
 * same order (so row i of both sides came from the same noise); names the first mismatch.
 */
export function checkPaired(a: readonly SampleRun[], b: readonly SampleRun[], names: [string, string]): void {
  const seeds = (runs: readonly SampleRun[]) => [...runs].map((r) => r.seed).sort((x, y) => x - y);
  const [sa, sb] = [seeds(a), seeds(b)];
  if (sa.join(',') !== sb.join(',')) {
    throw new Error(
      `unpaired runs: ${names[0]} has seeds [${sa}] but ${names[1]} has [${sb}]; ` +
        'a paired difference needs the same noise seeds on both sides',
    );
  }
  for (const ra of a) {
    const rb = b.find((r) => r.seed === ra.seed) as SampleRun;
    const i = firstDifference(ra.indices, rb.indices);
    if (i >= 0) {
      const which = `${names[0]} sample ${i} has index ${ra.indices[i]} but ${names[1]} has ${rb.indices[i]}`;
      throw new Error(
        `unpaired runs at seed ${ra.seed}: ${which} ` +
          `(${ra.indices.length} vs ${rb.indices.length} samples); a paired difference needs the same sample indices in the same order`,
      );
    }
  }
}

function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
