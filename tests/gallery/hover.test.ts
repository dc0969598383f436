/**
 * The attention explorer in a real browser (headless Chromium through the gallery, as JupyterLab's vega-embed renders
 * it): the pointer over a query cell moves the outlined query and redraws its attention row. Skips where Chromium is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { buildGallery } from '../../src/gallery/build';
import { attentionRowExplorer } from '../../src/viz';
import { ringImage } from '../viz/fixtures';
import { chromiumMissing, openGallery } from './chromium';
import { makeFixture } from './fixture';

const missing = chromiumMissing();

test('hovering a query cell shows that query’s attention row', { skip: missing ?? false }, async () => {
  // Row q of a 4×4 grid's attention looks at key (q + 1) mod 16, and a little everywhere else.
  const values = Array.from({ length: 256 }, (_, i) => ((Math.floor(i / 16) + 1) % 16 === i % 16 ? 0.7 : 0.02));
  const spec = attentionRowExplorer(ringImage(1), [{ name: 'normal', values }], { grid: [4, 4], query: 5 });
  const fx = await makeFixture([{ id: '01-fixture', specs: { explorer: spec }, size: 'full' }]);
  try {
    const plan = await buildGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks });
    const g = await openGallery(plan.index);
    try {
      const figure = g.page.locator('figure[data-spec="01-fixture/explorer"]');
      await figure.locator('.concat_1_layer_0_marks path').first().waitFor();
      // The shown row's cells, as vega labels them: "…; attention: 0.7; query: 5; key: 6".
      const rowCells = figure.locator('.concat_1_layer_0_marks path');
      const cells = () => rowCells.evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));
      const strongest = (labels: string[]) =>
        labels.filter((l) => /attention: 0\.7;/.test(l)).map((l) => /query: (\d+); key: (\d+)/.exec(l)?.slice(1));
      assert.deepEqual(strongest(await cells()), [['5', '6']], 'the static state shows query 5, which looks at key 6');
      await figure.locator('.concat_0_layer_1_marks path').nth(10).hover();
      for (let tries = 0; tries < 30 && strongest(await cells())[0]?.[0] === '5'; tries++) await g.page.waitForTimeout(100);
      const labels = await cells();
      assert.equal(labels.length, 16, 'one row of 16 keys');
      assert.deepEqual(strongest(labels), [['10', '11']], 'hovering query 10 shows its row, which looks at key 11');
      assert.deepEqual(g.errors, []);
    } finally {
      await g.close();
    }
  } finally {
    rmSync(fx.root, { recursive: true, force: true });
  }
});
