import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { testBackend } from '../test-backend';
import { loadShipped } from '../../src/model/shipped';
import { pag } from '../../src/guidance';
import { PRESET_SIZES, mergeSizes } from '../../src/notebook/sizes';
import { openStudy } from '../../src/notebook/study';
import { layerBars, layerDifference, sweepLayers } from '../../src/notebook/layers';

test('sweepLayers runs each attention layer alone and all at once; layerBars and layerDifference name them and refuse an unknown reference', async () => {
  await initBackend(testBackend());
  const dir = mkdtempSync(join(tmpdir(), 'points-layers-'));
  const sizes = mergeSizes(PRESET_SIZES.smoke, { samples: 4, steps: 2, sampler: 'euler', realSamples: 8, batchSize: 4, seeds: [0, 1] });
  const study = await openStudy(sizes, { log: () => {}, points: dir, secondSpace: false });
  try {
    const model = (await loadShipped('mnist-dit-main')).model; // trained: an untrained DiT's attention is gated off (adaLN-zero)
    const names = model.attentionLayers.map((l) => l.name);
    const unguided = await study.unguidedRows(model);
    const rows = await sweepLayers(study, { method: 'pag', model, gamma: 2, make: (g, layers) => [pag({ gamma: g, layers })], unguided });
    assert.deepEqual(
      rows.map((r) => [r.method, r.gamma, r.seed]),
      [...names, 'all'].flatMap((n) => [0, 1].map((seed) => [`pag[${n}]`, 2, seed])),
    );
    const all = await study.measure(model, [pag({ gamma: 2, layers: names })], 1);
    const allRow = rows.find((r) => r.method === 'pag[all]' && r.seed === 1)!;
    assert.equal(allRow.kid, all.kid, 'pag[all] perturbs every layer: the same point as naming them all');
    assert.notEqual(rows.find((r) => r.method === `pag[${names[0]}]` && r.seed === 1)!.kid, all.kid, 'one layer is another point');

    const bars = layerBars(rows, unguided, 'accuracy', 'PAG, γ = 2') as { title?: { text?: string } };
    assert.equal(bars.title?.text, 'PAG, γ = 2: class accuracy (%) per layer');
    const { comparisons, chart } = layerDifference(study, rows, `pag[${names[1]}]`, 'PAG', 20);
    assert.deepEqual(
      comparisons.map((c) => [c.method, c.baseline]),
      [...names.filter((n) => n !== names[1]), 'all'].map((n) => [`pag[${n}]`, `pag[${names[1]}]`]),
    );
    assert.match(JSON.stringify((chart as { title?: unknown }).title), new RegExp(`"PAG: KID − pag\\[${names[1]}\\]"`));
    assert.throws(() => layerDifference(study, rows, 'pag[nope]', 'PAG'), /no rows of "pag\[nope\]"; methods: pag\[.*\], pag\[all\]/);
  } finally {
    study.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
