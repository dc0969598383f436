import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fidStatistic, meanStatistic } from '../../src/metrics';
import { groupPoints, rankSweep } from '../../src/experiments/ranking';
import { toFloat16 } from '../../src/experiments/float16';
import type { SweepRow } from '../../src/experiments/point';
import { Rng } from '../../src/random';

const D = 4;
const N = 150;

/** A row whose samples are the seed's shared noise z (N(0.5, I)) plus `shift`: every point pairs by (seed, index). */
function row(method: string, gamma: number, seed: number, shift: number): SweepRow {
  const data = new Float32Array(N * D);
  for (let i = 0; i < N; i++)
    data.set(
      Array.from(new Rng(seed, i).normals(D), (v) => v + 0.5 + shift),
      i * D,
    );
  const bits = toFloat16(data);
  const flags = Uint8Array.from({ length: N }, (_, i) => (new Rng(seed, i, 9).uniform() < 0.7 - shift ? 1 : 0));
  const correct = Buffer.from(flags).toString('base64');
  return {
    key: `${method}-${gamma}-${seed}`.padEnd(16, '0'),
    point: { method, gamma, seed, params: {} },
    samples: {
      space: 'feat',
      seed,
      indices: Array.from({ length: N }, (_, i) => i),
      n: N,
      d: D,
      dtype: 'float16',
      features: Buffer.from(bits.buffer).toString('base64'),
      correct,
    },
  } as unknown as SweepRow;
}

const seeds = [0, 1, 2];
const rows = [
  ...seeds.map((s) => row('cfg', 0, s, 0)),
  ...seeds.map((s) => row('pag', 0, s, 0)),
  ...seeds.map((s) => row('cfg', 1, s, -0.4)),
  ...seeds.map((s) => row('cfg', 2, s, 0.5)),
  ...seeds.map((s) => row('pag', 3, s, -0.2)),
];
const identity = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 1 : 0)));
const reference = { stats: { mu: new Array(D).fill(0), sigma: identity, n: 1e9 }, space: 'feat' };

describe('rankSweep', () => {
  it('groups seeds per point, keeps γ = 0 once per seed, and ranks against unguided and the best CFG γ', () => {
    const groups = groupPoints(rows);
    assert.deepEqual([...groups.keys()], ['unguided', 'cfg γ = 1', 'cfg γ = 2', 'pag γ = 3']);
    assert.deepEqual(
      groups.get('unguided')!.map((r) => r.point.seed),
      [0, 1, 2],
    );
    const statistics = { features: [fidStatistic(reference)], correctness: meanStatistic('class accuracy', 'max') };
    const ranked = rankSweep(rows, statistics, { resamples: 200, scheme: 'within-seed' });
    const byLabel = Object.fromEntries(ranked.map((r) => [r.label, r]));
    // FID to N(0, I) of N(0.5 + shift, I) is 4·(0.5 + shift)²: unguided 1, CFG γ = 1 0.04, CFG γ = 2 4, PAG 0.36.
    assert.ok(Math.abs(byLabel['unguided'].intervals[0].estimate - 1) < 0.3);
    assert.equal(byLabel['unguided'].differences.length, 0);
    const cfgVerdicts = byLabel['cfg γ = 1'].differences.map((d) => [d.baseline, d.metric, d.verdict]);
    assert.deepEqual(cfgVerdicts, [
      ['unguided', 'FID difference', 'better'],
      ['unguided', 'class accuracy difference', 'better'],
    ]);
    assert.equal(byLabel['cfg γ = 2'].differences[0].verdict, 'worse');
    const pagVerdicts = byLabel['pag γ = 3'].differences.map((d) => [d.baseline, d.verdict]);
    assert.deepEqual(pagVerdicts, [
      ['unguided', 'better'],
      ['unguided', 'better'],
      ['cfg γ = 1', 'worse'],
      ['cfg γ = 1', 'worse'],
    ]);
  });

  it('refuses points at one seed and rows kept without samples', () => {
    assert.throws(
      () =>
        rankSweep(
          rows.filter((r) => r.point.seed === 0),
          { features: [fidStatistic(reference)] },
        ),
      /≥ 2 seeds/,
    );
    const bare = rows.map((r) => ({ ...r, samples: undefined }));
    assert.throws(() => rankSweep(bare, { features: [fidStatistic(reference)] }), /has no per-sample record/);
  });
});
