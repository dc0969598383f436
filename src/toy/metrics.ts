/**
 * Exact metrics of toy samples against the true class densities: mean log-likelihood log p₀(x | c),
 * the share of samples inside the data (log p₀(x | c) above the level that a given share of exact
 * samples exceed), and k-NN precision / recall against exact samples of the same class.
 */
import { precisionRecall } from '../metrics/precision-recall';
import { dataLogDensity } from './exact';
import type { GaussianMixture } from './mixture';
import { Points, checkLabels, checkPoints } from './points';
import { sampleData } from './sample-data';

/** Exact samples per class and each class's density level. */
export interface ToyReference {
  /** Exact samples `[2n]`, labels cycling 0 … classes−1. */
  points: Points;
  labels: Int32Array;
  /** Per class: the log-density level that a share `1 − quantile` of exact samples of the class exceed. */
  levels: number[];
  quantile: number;
}

/** What a set of toy samples scores. */
export interface ToyScores {
  /** Mean of log p₀(x | c) over the samples (nats; dominated by the worst samples by design). */
  logLikelihood: number;
  /** Share of samples with log p₀(x | c) at or above their class's level. */
  inside: number;
  /** Share of samples inside the k-NN manifold of exact samples of their class (class-weighted mean). */
  precision: number;
  /** Share of exact samples inside the k-NN manifold of the samples of their class (class-weighted mean): coverage. */
  recall: number;
}

/** Returns the reference: n exact samples (labels cycling) from stream `seed`, and per-class levels at `quantile` (default 0.01). */
export function toyReference(m: GaussianMixture, n: number, seed: number, quantile = 0.01): ToyReference {
  if (!(quantile > 0 && quantile < 1)) throw new Error(`quantile must be in (0, 1); got ${quantile}`);
  const classes = m.classes.length;
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const { points } = sampleData(m, n, seed, labels);
  const logp = dataLogDensity(m, points, labels);
  const levels = m.classes.map((_, c) => {
    const values = Array.from(logp)
      .filter((_, i) => labels[i] === c)
      .sort((a, b) => a - b);
    if (values.length < 2) throw new Error(`the reference needs at least 2 samples of class ${c}; raise n (${n})`);
    return values[Math.floor(quantile * values.length)];
  });
  return { points, labels, levels, quantile };
}

/** Returns the scores of `points` `[2n]` with `labels` `[n]` against the reference (k-NN radius k, default 3). */
export function toyScores(m: GaussianMixture, points: Points, labels: ArrayLike<number>, ref: ToyReference, k = 3): ToyScores {
  checkPoints(points);
  const n = points.length / 2;
  const rows = checkLabels(labels, n, m.classes.length);
  const logp = dataLogDensity(m, points, rows);
  let inside = 0;
  logp.forEach((v, i) => {
    if (v >= ref.levels[rows[i]]) inside++;
  });
  let [precision, recall, counted] = [0, 0, 0];
  m.classes.forEach((_, c) => {
    const gen = pairs(points, rows, c);
    const real = pairs(ref.points, ref.labels, c);
    if (gen.length <= k) return;
    const pr = precisionRecall(real, gen, k);
    precision += pr.precision * gen.length;
    recall += pr.recall * gen.length;
    counted += gen.length;
  });
  if (counted === 0) throw new Error(`every class has ${k} or fewer samples; precision and recall need more than k = ${k} per class`);
  const logLikelihood = logp.reduce((a, b) => a + b, 0) / n;
  return { logLikelihood, inside: inside / n, precision: precision / counted, recall: recall / counted };
}

function pairs(points: Points, labels: Int32Array, c: number): number[][] {
  const out: number[][] = [];
  labels.forEach((l, i) => {
    if (l === c) out.push([points[2 * i], points[2 * i + 1]]);
  });
  return out;
}
