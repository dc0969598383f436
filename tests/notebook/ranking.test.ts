import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meanStatistic } from '../../src/metrics/stats';
import { toFloat16 } from '../../src/experiments/float16';
import { Rng } from '../../src/random';
import { PointCache } from '../../src/notebook/point-cache';
import {
  compareRows,
  comparisonChart,
  comparisonTable,
  rankPoints,
  rankingCharts,
  rankingTable,
  type RankingStatistics,
} from '../../src/notebook/ranking';
import { assertValidVegaLite } from '../viz/helpers';
import { VERDICTS_BEGIN, VERDICTS_END, replaceVerdicts, verdictSection } from '../../src/notebook/verdicts';
import type { StudyPoint } from '../../src/notebook/study';

const N = 64;
const SEEDS = [0, 1, 2];

/**
 * A point whose samples are the seed's shared noise z_i ~ N(0, 1) (one feature) plus `shift` plus its own noise 0.2 e_i
 * (e drawn from the stream `tag`), and whose correctness is z_i + shift > 0: every point pairs by (seed, index), so a
 * difference's truth is the shift difference (± the own noise, about 0.02 over 3 × 64 samples).
 */
function point(method: string, methods: string[], gamma: number, seed: number, shift: number, model = 'm1', tag = method): StudyPoint {
  const z = Array.from({ length: N }, (_, i) => new Rng(seed, i).normals(1)[0]);
  const stream = [...`${tag}${gamma}`].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % 100_000;
  const e = Array.from({ length: N }, (_, i) => new Rng(seed, i, stream).normals(1)[0]);
  const bits = toFloat16(z.map((v, i) => v + shift + 0.2 * e[i]));
  // The second space sees the same samples mirrored: what lowers the mean here raises it there.
  const mirrored = toFloat16(z.map((v, i) => -(v + shift + 0.2 * e[i])));
  return {
    model,
    arch: 'unet',
    conditional: true,
    methods,
    row: {
      method,
      gamma,
      seed,
      kid: 0,
      precision: 0,
      recall: 0,
      accuracy: 0,
      key: `${model}-${method}-${gamma}-${seed}`,
      samples: {
        space: 'x',
        seed,
        indices: z.map((_, i) => i),
        n: N,
        d: 1,
        dtype: 'float16',
        features: Buffer.from(bits.buffer).toString('base64'),
        correct: Buffer.from(Uint8Array.from(z, (v) => (v + shift > 0 ? 1 : 0))).toString('base64'),
        ae: { space: 'y', d: 1, features: Buffer.from(mirrored.buffer).toString('base64') },
      },
    },
  };
}

/** Rows of `method` at each (γ, shift) for every seed (own noise from stream `tag`). */
function sweep(method: string, methods: string[], grid: [number, number][], model?: string, tag?: string): StudyPoint[] {
  return grid.flatMap(([g, shift]) => SEEDS.map((s) => point(method, methods, g, s, shift, model, tag)));
}

// Primary: the mean feature, lower is better (a stand-in for FID whose truth is the shift).
const statistics: RankingStatistics = {
  primary: meanStatistic('mean', 'min', 0, 'x'),
  accuracy: meanStatistic('class accuracy', 'max'),
};

const points: StudyPoint[] = [
  ...sweep('unguided', [], [[0, 0]], 'm1', 'u'),
  ...sweep(
    'cfg',
    ['cfg'],
    [
      [0.5, -0.3],
      [1, -0.6],
      [2, -0.2],
    ],
  ),
  ...sweep(
    'good',
    ['pag'],
    [
      [1, -0.5],
      [3, -1.2],
    ],
  ),
  ...sweep('bad', ['sag'], [[1, 0.8]]),
  ...sweep('same', ['seg'], [[1, 0]]),
];

test('rankPoints: best γ by the estimate, paired differences to unguided and CFG at its best γ, verdicts from the intervals', () => {
  const r = rankPoints(points, statistics, { resamples: 200 });
  assert.deepEqual([r.metric, r.scheme, r.resamples, r.samples, r.seeds], ['mean', 'within-seed', 200, N * 1, SEEDS]);
  assert.deepEqual(r.families, [{ family: 'unet', conditional: true, unguided: r.families[0].unguided, cfg: { method: 'cfg', gamma: 1 } }]);
  const by = Object.fromEntries(r.methods.map((m) => [m.method, m]));
  assert.deepEqual(
    r.methods.map((m) => [m.method, m.gamma, m.gammas]),
    [
      ['cfg', 1, [0.5, 1, 2]],
      ['good', 3, [1, 3]],
      ['bad', 1, [1]],
      ['same', 1, [1]],
    ],
  );
  const diff = (m: string, baseline: string, metric = 'mean difference') =>
    by[m].versus.find((v) => v.baseline === baseline)!.differences.find((d) => d.metric === metric)!;
  // Paired truths: the shift differences (float16 rounds features by < 1e-3).
  for (const [m, baseline, truth, verdict] of [
    ['cfg', 'unguided', -0.6, 'better'],
    ['good', 'unguided', -1.2, 'better'],
    ['good', 'CFG γ = 1', -0.6, 'better'],
    ['bad', 'unguided', 0.8, 'worse'],
    ['bad', 'CFG γ = 1', 1.4, 'worse'],
    ['same', 'unguided', 0, 'tie'],
  ] as const) {
    const d = diff(m, baseline);
    assert.ok(Math.abs(d.estimate - truth) < 0.1, `${m} − ${baseline}: ${d.estimate} vs ${truth}`);
    assert.equal(d.verdict, verdict, `${m} − ${baseline}`);
    assert.ok(d.lo <= d.estimate && d.estimate <= d.hi);
  }
  assert.equal(by.cfg.versus.length, 1, 'CFG is not compared with itself');
  // Pairing cancels the shared noise z: the interval is as wide as the own noise allows (0.2·√2/√192 ≈ 0.02 per side).
  assert.ok(diff('same', 'unguided').hi - diff('same', 'unguided').lo < 0.15);
  // Correctness is z + shift > 0: a negative shift lowers class accuracy, so "good" is worse on it.
  assert.equal(diff('good', 'unguided', 'class accuracy difference').verdict, 'worse');
  const table = rankingTable(r);
  assert.match(
    table,
    /^\| method \| best γ \(grid\) \| mean at best γ \[95%\] \| mean − unguided \| class accuracy − unguided \| mean − CFG \| class accuracy − CFG \|$/m,
  );
  assert.match(table, /^\| good \| 3 \(1, 3\) \| .* better \(±[0-9.]+\) vs CFG γ = 1 \|/m);
  assert.match(table, /^\| unguided \| 0 \| /m);
  assert.deepEqual(Object.keys(rankingCharts(r)), ['difference-unguided', 'difference-cfg']);
});

test("rankPoints: the second space is read from the records' ae features, with its own verdicts", () => {
  const both: RankingStatistics = { ...statistics, secondSpace: { ...meanStatistic('mean', 'min', 0, 'y'), name: 'mean (ae)' } };
  const r = rankPoints(points, both, { resamples: 200 });
  const good = r.methods.find((m) => m.method === 'good')!.versus.find((v) => v.baseline === 'unguided')!;
  const [first, second] = ['mean difference', 'mean (ae) difference'].map((name) => good.differences.find((d) => d.metric === name)!);
  assert.ok(Math.abs(first.estimate + 1.2) < 0.1 && Math.abs(second.estimate - 1.2) < 0.1, `${first.estimate}, ${second.estimate}`);
  assert.deepEqual([first.verdict, second.verdict], ['better', 'worse']);
  assert.match(rankingTable(r), /\| mean \(ae\) − unguided \|/);
  // The classifier space's statistic on the ae features is refused: the spaces differ.
  const crossed: RankingStatistics = { ...statistics, secondSpace: meanStatistic('mean', 'min', 0, 'x') };
  assert.throws(() => rankPoints(points, crossed, { resamples: 20 }), /space/);
});

test('rankPoints: families per model, flagged unconditional, no CFG column where a model has none, refusals for one seed and missing records', () => {
  const unconditional = (p: StudyPoint): StudyPoint => ({ ...p, conditional: false, row: { ...p.row, accuracy: NaN } });
  const two = [
    ...points,
    ...sweep('unguided', [], [[0, 0]], 'm2'),
    ...sweep('icg', ['icg'], [[1, -0.4]], 'm2'),
    ...[...sweep('unguided', [], [[0, 0]], 'm3'), ...sweep('tsg', ['tsg'], [[1, -0.2]], 'm3')].map(unconditional),
  ];
  const r = rankPoints(two, statistics, { resamples: 50 });
  assert.deepEqual(
    r.families.map((f) => [f.family, f.conditional, f.cfg?.gamma]),
    [
      ['unet m1', true, 1],
      ['unet m2', true, undefined],
      ['unet unconditional', false, undefined],
    ],
  );
  const metrics = (method: string) => r.methods.find((m) => m.method === method)!.versus[0].differences.map((d) => d.metric);
  assert.deepEqual(metrics('icg'), ['mean difference', 'class accuracy difference']);
  assert.deepEqual(metrics('tsg'), ['mean difference'], 'no class accuracy without labels');
  const icg = r.methods.find((m) => m.method === 'icg')!;
  assert.deepEqual(
    icg.versus.map((v) => v.baseline),
    ['unguided'],
  );
  assert.throws(
    () => rankPoints([point('unguided', [], 0, 0, 0), point('x', ['pag'], 1, 0, 0)], statistics, { resamples: 50 }),
    /≥ 2 seeds/,
  );
  const bare = sweep('x', ['pag'], [[1, 0]]).map((p) => ({ ...p, row: { ...p.row, samples: undefined } }));
  assert.throws(() => rankPoints(bare, statistics, { resamples: 50 }), /x γ = 1 seed 0 has no per-sample record/);
});

test('rankPoints caches its bootstrap results by the points keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ranking-'));
  try {
    const cache = new PointCache(dir, () => undefined);
    const a = rankPoints(points, statistics, { resamples: 50, cache });
    const files = readdirSync(dir).length;
    assert.ok(files > 0);
    const b = rankPoints(points, statistics, { resamples: 50, cache });
    assert.deepEqual(b, a);
    assert.equal(readdirSync(dir).length, files, 'the second ranking reads every result');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verdictSection and replaceVerdicts write the README section from rankings', () => {
  const r = rankPoints(points, statistics, { resamples: 50 });
  const section = verdictSection([{ notebook: '09-comparison', ranking: r }]);
  assert.match(section, /^#### 09-comparison verdicts \(mean; 3 seeds × 64 samples; 50 resamples within seeds\)$/m);
  assert.match(section, /Achieved half-widths of the paired mean differences: 0\.0\d\d–0\.\d{3}\./);
  assert.ok(section.includes(rankingTable(r)));
  const readme = `# Figures\n\n${VERDICTS_BEGIN}\nold numbers\n${VERDICTS_END}\n\n## Next\n`;
  const out = replaceVerdicts(readme, section);
  assert.ok(!out.includes('old numbers'));
  assert.ok(out.startsWith(`# Figures\n\n${VERDICTS_BEGIN}\n\n#### 09-comparison`) && out.endsWith(`${VERDICTS_END}\n\n## Next\n`));
  assert.equal(replaceVerdicts(out, section), out, 'idempotent');
  assert.throws(() => replaceVerdicts('# Figures\n', section), /needs the lines/);
  assert.match(verdictSection([]), /No study has a `ranking.json` yet/);
});

test("compareRows: paired differences of groups to a named baseline (an ablation against the paper's choice)", () => {
  const rowsOf = (method: string, gamma: number) =>
    points.filter((p) => p.row.method === method && p.row.gamma === gamma).map((p) => p.row);
  const baseline = { method: 'cfg γ=1', rows: rowsOf('cfg', 1) };
  const c = compareRows(
    statistics,
    [
      { method: 'good γ=3', rows: rowsOf('good', 3) },
      { method: 'cfg γ=0.5', rows: rowsOf('cfg', 0.5) },
    ],
    baseline,
    { resamples: 200 },
  );
  // Truths: the shift differences, −1.2 − (−0.6) and −0.3 − (−0.6).
  assert.deepEqual(
    c.map((x) => [x.method, x.baseline, x.differences.map((d) => d.metric)]),
    [
      ['good γ=3', 'cfg γ=1', ['mean difference', 'class accuracy difference']],
      ['cfg γ=0.5', 'cfg γ=1', ['mean difference', 'class accuracy difference']],
    ],
  );
  const [good, half] = c.map((x) => x.differences[0]);
  assert.ok(Math.abs(good.estimate + 0.6) < 0.1 && good.verdict === 'better', `good: ${good.estimate} ${good.verdict}`);
  assert.ok(Math.abs(half.estimate - 0.3) < 0.1 && half.verdict === 'worse', `cfg 0.5: ${half.estimate} ${half.verdict}`);
  const table = comparisonTable(c);
  assert.match(table, /^\| method \| mean − cfg γ=1 \| class accuracy − cfg γ=1 \|$/m);
  assert.match(table, /^\| good γ=3 \| -0\.\d\d \[-0\.\d\d, -0\.\d\d\] better \(±0\.\d\d\) \| /m);
  const chart = comparisonChart(c, 'ablation');
  assertValidVegaLite(chart);
  assert.match(JSON.stringify(chart), /mean difference \(method − cfg γ=1\)/);
  assert.doesNotMatch(JSON.stringify(chart), /difference difference/);
  assert.throws(() => compareRows(statistics, [{ method: 'one seed', rows: rowsOf('good', 3).slice(0, 1) }], baseline), /paired|seeds/);
});
