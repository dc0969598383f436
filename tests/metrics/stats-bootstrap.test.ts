import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, fid, fidStatistic, kid, kidStatistic, meanStatistic } from '../../src/metrics';
import { pairedDifference, poolRuns, featureStats, verdict } from '../../src/metrics';
import { makeRuns, t975 } from './stats-helpers';

const mean = meanStatistic('mean', 'min', 0, 'test-space');

function sampleSd(xs: number[]): number {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1));
}

describe('bootstrapInterval', () => {
  it('of a mean of normal data matches the t-interval (one sample per seed: the plain bootstrap), half-width within 8%', () => {
    const runs = makeRuns(
      Array.from({ length: 300 }, (_, s) => s),
      1,
      1,
      (rng) => [3 + 2 * rng.normal()],
    );
    const xs = runs.map((r) => r.rows.data[0]);
    const m = xs.reduce((s, v) => s + v, 0) / xs.length;
    const half = (t975(xs.length - 1) * sampleSd(xs)) / Math.sqrt(xs.length);
    const iv = bootstrapInterval(runs, mean, { resamples: 4000, seed: 1 });
    assert.ok(Math.abs(iv.estimate - m) < 1e-12);
    assert.ok(Math.abs((iv.hi - iv.lo) / 2 / half - 1) < 0.08, `bootstrap half-width ${(iv.hi - iv.lo) / 2} vs t ${half}`);
    assert.ok(Math.abs((iv.hi + iv.lo) / 2 - m) < 0.15 * half, 'the interval is centred on the mean');
  });

  it('within-seed matches the t-interval on independent samples; hierarchical is about √2 wider (conservative)', () => {
    // 40 seeds so the between-seed variance the hierarchical scheme adds is itself well estimated (expected ratio √(1 + 39/40)).
    const runs = makeRuns(
      Array.from({ length: 40 }, (_, s) => s),
      10,
      1,
      (rng) => [rng.normal()],
    );
    const xs = runs.flatMap((r) => Array.from(r.rows.data));
    const half = (t975(xs.length - 1) * sampleSd(xs)) / Math.sqrt(xs.length);
    const within = bootstrapInterval(runs, mean, { resamples: 3000, scheme: 'within-seed' });
    const hier = bootstrapInterval(runs, mean, { resamples: 3000 });
    assert.equal(hier.scheme, 'hierarchical');
    assert.ok(Math.abs((within.hi - within.lo) / 2 / half - 1) < 0.1, `within-seed ${(within.hi - within.lo) / 2} vs t ${half}`);
    const ratio = (hier.hi - hier.lo) / (within.hi - within.lo);
    assert.ok(ratio > 1.25 && ratio < 1.6, `hierarchical / within-seed width ${ratio}`);
  });

  it('covers a seed-level effect the within-seed scheme misses (clustered data: seed offsets of sd 1, sample noise sd 0.1)', () => {
    const runs = makeRuns([0, 1, 2, 3, 4, 5], 50, 1, (rng, seed) => [Math.sin(seed * 7.3) + 0.1 * rng.normal()]);
    const seedMeans = runs.map((r) => Array.from(r.rows.data).reduce((s, v) => s + v, 0) / r.rows.n);
    const half = (t975(seedMeans.length - 1) * sampleSd(seedMeans)) / Math.sqrt(seedMeans.length);
    const hier = bootstrapInterval(runs, mean, { resamples: 3000 });
    const within = bootstrapInterval(runs, mean, { resamples: 3000, scheme: 'within-seed' });
    // The t-interval over 6 seed means is the truth here; the percentile bootstrap of 6 clusters is narrower by about √(5/6)·1.96/2.57.
    assert.ok((hier.hi - hier.lo) / 2 > 0.5 * half, `hierarchical ${(hier.hi - hier.lo) / 2} vs t over seeds ${half}`);
    assert.ok((within.hi - within.lo) / 2 < 0.1 * half, 'within-seed sees only the sample noise');
  });

  it('is deterministic in the bootstrap seed and changes with it', () => {
    const runs = makeRuns([0, 1, 2], 40, 1, (rng) => [rng.normal()]);
    const a = bootstrapInterval(runs, mean, { resamples: 200, seed: 7 });
    assert.deepEqual(bootstrapInterval(runs, mean, { resamples: 200, seed: 7 }), a);
    assert.notEqual(bootstrapInterval(runs, mean, { resamples: 200, seed: 8 }).lo, a.lo);
  });

  it('FID of two Gaussians: the estimate with unit weights is fid(), and the interval covers the closed form', () => {
    // generated ~ N((1, 0, 0), diag(4, 1, 1)); reference exactly N(0, I): FID = 1 + (2 − 1)² = 2.
    const runs = makeRuns([0, 1, 2, 3], 500, 3, (rng) => [1 + 2 * rng.normal(), rng.normal(), rng.normal()]);
    const reference = {
      mu: [0, 0, 0],
      sigma: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      n: 1e9,
    };
    const iv = bootstrapInterval(runs, fidStatistic({ stats: reference, space: 'test-space' }), { resamples: 300 });
    const pool = poolRuns(runs, 'test');
    const rows = Array.from({ length: pool.n }, (_, i) => Array.from(pool.data.subarray(i * 3, i * 3 + 3)));
    assert.ok(Math.abs(iv.estimate - fid(rows, reference, { warn: () => undefined }).fid) < 1e-9);
    assert.ok(iv.lo < 2 && 2 < iv.hi, `[${iv.lo}, ${iv.hi}] should cover 2`);
    assert.ok(iv.lo < iv.estimate && iv.estimate < iv.hi, `${iv.estimate} outside [${iv.lo}, ${iv.hi}] (bias ${iv.bootstrapBias})`);
    assert.ok(iv.hi - iv.lo < 0.8);
  });

  it('FID with integer weights equals fid() of the rows repeated that many times', () => {
    const runs = makeRuns([0, 1], 30, 2, (rng) => [rng.normal(), 0.5 * rng.normal() + 1]);
    const pool = poolRuns(runs, 'test');
    const refRows = makeRuns([9], 40, 2, (rng) => [rng.normal(), rng.normal()])[0].rows.data;
    const reference = featureStats(Array.from({ length: 40 }, (_, i) => [refRows[2 * i], refRows[2 * i + 1]]));
    const w = Float64Array.from({ length: pool.n }, (_, i) => i % 3);
    const row = (i: number) => Array.from(pool.data.subarray(i * 2, i * 2 + 2));
    const repeated = Array.from({ length: pool.n }, (_, i) => Array.from({ length: w[i] }, () => row(i))).flat();
    const f = fidStatistic({ stats: reference, space: 'test-space' }).prepare(pool);
    assert.ok(Math.abs(f(w) - fid(repeated, reference, { warn: () => undefined }).fid) < 1e-9);
  });

  it('KID: unit weights give kid(); a zero weight drops that row', () => {
    const runs = makeRuns([0, 1], 25, 4, (rng) => Array.from(rng.normals(4), (v) => v + 0.3));
    const real = makeRuns([5], 40, 4, (rng) => Array.from(rng.normals(4)))[0];
    const pool = poolRuns(runs, 'test');
    const rowsOf = (data: Float64Array | Float32Array, n: number, d: number) =>
      Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
    const f = kidStatistic({ rows: real.rows, space: 'test-space' }).prepare(pool);
    const realRows = rowsOf(real.rows.data, 40, 4);
    assert.ok(Math.abs(f(new Float64Array(pool.n).fill(1)) - kid(rowsOf(pool.data, pool.n, 4), realRows)) < 1e-9);
    const w = new Float64Array(pool.n).fill(1);
    w[3] = 0;
    const kept = rowsOf(pool.data, pool.n, 4).filter((_, i) => i !== 3);
    assert.ok(Math.abs(f(w) - kid(kept, realRows)) < 1e-9);
  });
});

describe('pairedDifference', () => {
  // method = baseline − 0.1 + small independent noise: strongly correlated through the shared noise.
  const baseline = makeRuns([0, 1, 2, 3, 4], 100, 1, (rng) => [rng.normal()]);
  const method = makeRuns([0, 1, 2, 3, 4], 100, 1, (rng, seed, i) => [baseline[seed].rows.data[i] - 0.1 + 0.05 * rng.normal()]);

  it('is narrower than the unpaired difference on correlated data, and excludes 0 (better for a lower-is-better metric)', () => {
    const d = pairedDifference(method, baseline, mean, { resamples: 1000, scheme: 'within-seed' });
    const a = bootstrapInterval(method, mean, { resamples: 1000, scheme: 'within-seed' });
    const b = bootstrapInterval(baseline, mean, { resamples: 1000, scheme: 'within-seed' });
    const unpaired = Math.hypot(a.hi - a.lo, b.hi - b.lo);
    assert.ok(d.hi - d.lo < 0.2 * unpaired, `paired width ${d.hi - d.lo} vs unpaired ${unpaired}`);
    assert.ok(Math.abs(d.estimate - (a.estimate - b.estimate)) < 1e-12);
    assert.ok(d.hi < 0);
    assert.equal(d.verdict, 'better');
    assert.equal(pairedDifference(method, baseline, meanStatistic('acc', 'max', 0, 'test-space'), { resamples: 200 }).verdict, 'worse');
    assert.equal(pairedDifference(baseline, baseline, mean, { resamples: 200 }).verdict, 'tie');
  });

  it('verdict: tie when the interval holds 0; direction decides better/worse', () => {
    assert.equal(verdict({ lo: -1, hi: 0.5 }, 'min'), 'tie');
    assert.equal(verdict({ lo: -1, hi: -0.5 }, 'min'), 'better');
    assert.equal(verdict({ lo: -1, hi: -0.5 }, 'max'), 'worse');
    assert.equal(verdict({ lo: 0.2, hi: 0.5 }, 'max'), 'better');
  });

  it('refuses fewer than 2 seeds, unpaired runs and mixed feature spaces, naming the bad value', () => {
    assert.throws(() => bootstrapInterval(baseline.slice(0, 1), mean), /runs at ≥ 2 seeds.*got 1/);
    assert.throws(() => pairedDifference(method.slice(0, 1), baseline.slice(0, 1), mean), /≥ 2 seeds/);
    const seedsDiffer = /unpaired runs: method has seeds \[0,1,2\] but baseline has \[1,2,3\]/;
    assert.throws(() => pairedDifference(method.slice(0, 3), baseline.slice(1, 4), mean), seedsDiffer);
    const shifted = baseline.map((r) => ({ ...r, indices: r.indices.map((i) => (r.seed === 2 && i === 5 ? 500 : i)) }));
    const indicesDiffer = /unpaired runs at seed 2: method sample 5 has index 5 but baseline has 500/;
    assert.throws(() => pairedDifference(method, shifted, mean), indicesDiffer);
    const other = baseline.map((r) => ({ ...r, space: 'other-extractor' }));
    assert.throws(() => pairedDifference(method, other, mean), /different spaces \("test-space" and "other-extractor"\)/);
    assert.throws(() => bootstrapInterval([baseline[0], other[1]], mean), /different spaces/);
    const reference = { stats: { mu: [0], sigma: [[1]], n: 10 }, space: 'classifier-abc' };
    const spaces = /FID: feature sets of different spaces \("classifier-abc" and "test-space"\)/;
    assert.throws(() => bootstrapInterval(baseline, fidStatistic(reference)), spaces);
    assert.throws(() => bootstrapInterval([baseline[0], baseline[0]], mean), /seed 0 appears twice/);
  });
});
