import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { testBackend } from '../test-backend';
import { createDenoiser, type Denoiser } from '../../src/model';
import { cfg, sag, type GuidanceTerm } from '../../src/guidance';
import { PRESET_SIZES, mergeSizes } from '../../src/notebook/sizes';
import { openStudy } from '../../src/notebook/study';
import { PointCache, keyedFunction, modelDigest, termKeys } from '../../src/notebook/point-cache';

const CONFIG = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 } as const;

/** Returns a tiny model whose `denoise` calls are counted in `calls.n`. */
function countedModel(seed: number, calls: { n: number }): Denoiser {
  const model = createDenoiser(CONFIG, seed);
  const denoise = model.denoise.bind(model);
  model.denoise = (...args: Parameters<Denoiser['denoise']>) => {
    calls.n++;
    return denoise(...args);
  };
  return model;
}

test('a cached Study returns the identical point without sampling, misses on a changed seed, γ or model, and recomputes a truncated file', async () => {
  await initBackend(testBackend());
  const dir = mkdtempSync(join(tmpdir(), 'points-'));
  const sizes = mergeSizes(PRESET_SIZES.smoke, { samples: 4, steps: 2, sampler: 'euler', realSamples: 8, batchSize: 4, seeds: [0, 1] });
  const lines: string[] = [];
  const study = await openStudy(sizes, { log: (l) => lines.push(l), points: dir });
  try {
    const calls = { n: 0 };
    const model = countedModel(1, calls);
    const first = await study.measure(model, [cfg({ gamma: 1 })], 0, { keepSamples: true });
    const sampled = calls.n;
    assert.ok(sampled > 0, 'the first call samples');
    assert.equal(readdirSync(dir).length, 1, 'one point file');
    const again = await study.measure(model, [cfg({ gamma: 1 })], 0, { keepSamples: true });
    assert.equal(calls.n, sampled, 'the second call does not sample');
    assert.deepEqual(again, first);
    assert.deepEqual(study.cache!.counts, { hits: 1, copied: 0, computed: 1, damaged: 0 });

    await study.measure(model, [cfg({ gamma: 1 })], 1);
    await study.measure(model, [cfg({ gamma: 2 })], 0);
    const other = countedModel(2, calls);
    assert.notEqual(modelDigest(other), modelDigest(model));
    await study.measure(other, [cfg({ gamma: 1 })], 0);
    assert.deepEqual(study.cache!.counts, { hits: 1, copied: 0, computed: 4, damaged: 0 }, 'seed, γ and model each miss');
    assert.equal(readdirSync(dir).length, 4);

    const file = join(dir, `${first.key}.json`);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const before = calls.n;
    const recomputed = await study.measure(model, [cfg({ gamma: 1 })], 0, { keepSamples: true });
    assert.ok(calls.n > before, 'a truncated point is sampled again');
    assert.deepEqual(recomputed, first, 'same seed, same result');
    assert.ok(lines.some((l) => l.startsWith(`damaged point file ${file}: not whole JSON`) && l.endsWith('recomputing it')));
    assert.equal(study.cache!.counts.damaged, 1);
    JSON.parse(readFileSync(file, 'utf8')); // rewritten whole

    const unguided = await study.unguidedRows(model);
    const rows = await study.sweep('cfg', model, [0, 1], (g) => [cfg({ gamma: g })], unguided);
    assert.ok(
      rows.every((r) => r.samples !== undefined && r.key !== undefined),
      'sweeps keep samples and keys',
    );
    assert.ok(lines.includes(`cfg: 2 of 2 points from ${dir}`), lines.join('\n'));
    assert.deepEqual(
      study.points.map((p) => [p.row.method, p.row.gamma, p.row.seed, p.methods.join('+')]),
      [
        ['unguided', 0, 0, ''],
        ['unguided', 0, 1, ''],
        ['cfg', 1, 0, 'cfg'],
        ['cfg', 1, 1, 'cfg'],
      ],
    );
  } finally {
    study.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.match(
    lines[lines.length - 1],
    /^points in .*: \d+ read \(0 copied from other notebooks\), \d+ computed, 1 damaged \(recomputed\)$/,
  );
});

test("a Study copies a point it lacks from another study's folder without sampling, and computes it when that copy is damaged", async () => {
  await initBackend(testBackend());
  const [mine, theirs, broken] = ['mine-', 'theirs-', 'broken-'].map((p) => mkdtempSync(join(tmpdir(), `points-${p}`)));
  const sizes = mergeSizes(PRESET_SIZES.smoke, { samples: 4, steps: 2, sampler: 'euler', realSamples: 8, batchSize: 4, seeds: [0] });
  const lines: string[] = [];
  const other = await openStudy(sizes, { log: () => {}, points: theirs });
  const study = await openStudy(sizes, { log: (l) => lines.push(l), points: mine, shared: [broken, theirs] });
  try {
    const calls = { n: 0 };
    const model = countedModel(1, calls);
    const measured = await other.measure(model, [cfg({ gamma: 1 })], 0, { keepSamples: true });
    const [file] = readdirSync(theirs);
    writeFileSync(join(broken, file), '{"key":');
    const sampled = calls.n;
    const copied = await study.measure(model, [cfg({ gamma: 1 })], 0, { keepSamples: true });
    assert.equal(calls.n, sampled, 'no sampling');
    assert.deepEqual(copied, measured);
    assert.deepEqual(study.cache!.counts, { hits: 1, copied: 1, computed: 0, damaged: 0 });
    assert.equal(readFileSync(join(mine, file), 'utf8'), readFileSync(join(theirs, file), 'utf8'), 'copied into its own folder');
    assert.ok(lines.some((l) => l.startsWith(`damaged point file ${join(broken, file)}`) && l.endsWith('not copying it')));

    await study.measure(model, [cfg({ gamma: 2 })], 0);
    assert.ok(calls.n > sampled, 'a point no folder holds is sampled');
    assert.deepEqual(study.cache!.counts, { hits: 1, copied: 1, computed: 1, damaged: 0 });
    assert.equal(readdirSync(theirs).length, 1, 'the shared folder is never written');
  } finally {
    study.dispose();
    other.dispose();
    for (const d of [mine, theirs, broken]) rmSync(d, { recursive: true, force: true });
  }
});

test('termKeys: options with models by digest and ∞ as a string; refuses hand-made terms and unnamed functions', () => {
  const model = createDenoiser(CONFIG, 3);
  const [a] = termKeys([cfg({ gamma: 2, interval: [0.5, Infinity] })]);
  assert.deepEqual(a, { method: 'cfg', options: { gamma: 2, interval: [0.5, 'Infinity'] } });
  const handMade: GuidanceTerm = { ...cfg({ gamma: 1 }) };
  assert.throws(() => termKeys([handMade]), /guidance term 0 \(cfg\) has no recorded options .* build it with a guidance-lab builder/);
  const mask = () => null as never;
  assert.throws(() => termKeys([sag({ gamma: 1, strategy: 'external-mask', mask })]), /sag option mask is a function.*gl\.keyedFunction/);
  const [named] = termKeys([sag({ gamma: 1, strategy: 'external-mask', mask: keyedFunction('classifier-attention', mask) })]);
  assert.deepEqual(named.options.mask, { function: 'classifier-attention' });
  assert.throws(() => keyedFunction(' ', mask), /give a non-empty name/);
  assert.equal(modelDigest(model), modelDigest(model), 'a digest is stable');
});

test('PointCache.json stores a computed value once and recomputes a damaged file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'points-json-'));
  const lines: string[] = [];
  try {
    const cache = new PointCache(dir, (l) => lines.push(l));
    let runs = 0;
    const compute = () => ({ value: ++runs });
    assert.deepEqual(cache.json({ a: 1 }, compute), { value: 1 });
    assert.deepEqual(cache.json({ a: 1 }, compute), { value: 1 });
    assert.deepEqual(cache.json({ a: 2 }, compute), { value: 2 }, 'another key computes');
    const [file] = readdirSync(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes('"a":1'));
    writeFileSync(join(dir, file), '{"key":');
    assert.deepEqual(cache.json({ a: 1 }, compute), { value: 3 });
    assert.match(lines[0], /^damaged cached result .* recomputing it$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
