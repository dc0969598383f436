/** Readable figures: every builder at the notebooks' sizes stays within MAX_FIGURE_WIDTH at 1×; saveFigure refuses wider ones. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import * as viz from '../../src/viz';
import { gridRows, headMaps, metricRows, ringImage, spectra, variantRows } from './fixtures';

const extent: [number, number, number, number] = [-3, 3, -3, 3];
const points = ['0', '1', '2', '3'].flatMap((group, g) => [0, 1, 2].map((i) => ({ x: g - 1.5, y: i - 1, group })));
const panel = (title: string) => ({ title, points, background: { values: [0, 0.2, 0.4, 1], height: 2, width: 2 } });
const ten = Array.from({ length: 10 }, (_, i) => ({ ...ringImage(i), label: String(i) }));
const identity = Array.from({ length: 64 * 64 }, (_, i) => (Math.floor(i / 64) === i % 64 ? 1 : 0));

/** The figures of notebooks 00–10 as their cells build them (widest settings), by name. */
const FIGURES: Record<string, () => TopLevelSpec> = {
  'γ rows: 5 γ × 10 classes at 2 px per pixel (00, 03–09)': () =>
    viz.sampleGrid(
      [0, 0.5, 1, 2, 4].flatMap((gamma) => ten.map((im) => ({ ...im, gamma }))),
      { columns: 10, pixelSize: 2 },
    ),
  'γ slider, 10 per row (00)': () =>
    viz.gammaSliderGrid(
      [0, 2].flatMap((gamma) => [...ten, ...ten].map((im) => ({ ...im, gamma }))),
      { columns: 10, pixelSize: 2 },
    ),
  'steps: 6 columns at 3 px per pixel (03–09)': () =>
    viz.sampleGrid(
      Array.from({ length: 18 }, (_, i) => ({ ...ringImage(i), label: `σ=0.3 · D(x̂) ±0.42` })),
      { columns: 6, pixelSize: 3 },
    ),
  'attention explorer, 4 variants on an 8×8 grid (04, 05)': () =>
    viz.attentionRowExplorer(
      ringImage(1),
      ['normal', 'σ=1', 'σ=4', 'σ=∞'].map((name) => ({ name, values: identity })),
      { grid: [8, 8] },
    ),
  'attention grid, 4 heads (01)': () => viz.attentionGrid([...headMaps(), ...headMaps().map((m) => ({ ...m, head: m.head + 3 }))]),
  'spectra, 3 panels (02)': () => viz.spectrumHeatmap([...spectra(), { ...spectra()[0], label: 'CFG γ=4' }]),
  'metric curves (03–09)': () =>
    viz.metricCurves(metricRows(), { metric: 'class accuracy (%)', title: 'every method: accuracy vs γ (mean, min/max over seeds)' }),
  'parameter heatmap (05, 06)': () =>
    viz.parameterHeatmap(gridRows(), { xTitle: 'positive EMA σ_rel', yTitle: 'guide', metric: 'KID ×10³' }),
  'variant bars (03, 04, 09)': () => viz.variantBars(variantRows(), { metric: 'KID ×10³', reference: { label: 'unguided', value: 13 } }),
  'toy samples: 4 columns of 220 px with a legend (10)': () =>
    viz.toyPanels(['a', 'b', 'c', 'd', 'e'].map(panel), { extent, columns: 4, colourTitle: 'class' }),
  'toy fields: 2 columns of 300 px (10)': () => viz.toyPanels(['a', 'b', 'c', 'd'].map(panel), { extent, columns: 2, size: 300 }),
  'toy γ slider: 5 methods of 210 px (10)': () => {
    const methods = ['exact CFG', 'exact autoguidance', 'CFG', 'autoguidance (short)', 'ICG'];
    return viz.toyGammaSlider(
      methods.flatMap((method) => points.map((p) => ({ ...p, method, gamma: 1 }))),
      { extent, size: 210 },
    );
  },
};

for (const [name, build] of Object.entries(FIGURES)) {
  test(`at most ${viz.MAX_FIGURE_WIDTH} px wide at 1×: ${name}`, async () => {
    const width = viz.svgWidth(await viz.toSvg(build()));
    assert.ok(width <= viz.MAX_FIGURE_WIDTH, `${width} px`);
  });
}

test('the toy panels wrap: 4 columns of 220 px with a legend were 1176 px wide', async () => {
  const spec = viz.toyPanels(['a', 'b', 'c', 'd'].map(panel), { extent, columns: 4, colourTitle: 'class' }) as { columns: number };
  assert.equal(spec.columns, 3);
  const narrow = viz.toyPanels(['a', 'b'].map(panel), { extent, columns: 2, size: 120 }) as { columns: number };
  assert.equal(narrow.columns, 2, 'panels that fit keep the columns asked for');
});

test('saveFigure refuses a figure wider than the limit and writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'width-'));
  const wide = viz.sampleGrid(ten, { columns: 10, pixelSize: 4 });
  await assert.rejects(viz.saveFigure(wide, join(dir, 'wide')), /wide is 1[0-9]{3} px wide at 1×; figures must be at most 1000 px/);
  assert.equal(existsSync(join(dir, 'wide.svg')), false);
  assert.throws(() => viz.svgWidth('<svg height="3">'), /no width attribute/);
});
