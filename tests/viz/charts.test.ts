/** Every chart on fixed data: valid Vega-Lite 5, SVG equal to its snapshot, PNG non-blank at the SVG's size × scale. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopLevelSpec } from 'vega-lite';
import * as viz from '../../src/viz';
import { HIGHLIGHT_COLOUR } from '../../src/viz/theme';
import * as f from './fixtures';
import { assertValidVegaLite, luminanceVariance, matchSnapshot } from './helpers';

const small = f.ringImage(3, 16);
const charts: Record<string, () => TopLevelSpec> = {
  'grid-method-by-gamma': () => viz.sampleGrid(f.gridImages(16), { layout: 'methodByGamma', title: 'Samples' }),
  'grid-wrap': () =>
    viz.sampleGrid(
      f
        .gridImages()
        .slice(0, 5)
        .map((im, i) => (i === 0 ? { ...im, label: 'first' } : im)),
      { columns: 3 },
    ),
  'attention-overlay': () =>
    viz.attentionOverlay(small, { values: f.peakedMap(5, 10, 16, 6), height: 16, width: 16 }, { title: 'mid.attn head 0' }),
  'attention-grid': () => viz.attentionGrid(f.headMaps(), { query: { row: 2, col: 3, height: 8, width: 8 } }),
  'attention-received': () => viz.attentionGrid(f.headMaps().slice(0, 2), { kind: 'received' }),
  'sag-mask': () => viz.sagMaskOverlay(small, { values: Array.from(small.pixels, (p) => (p > 0.2 ? 1 : 0)), height: 16, width: 16 }),
  'spectrum-magnitude': () => viz.spectrumHeatmap(f.spectra(8)),
  'spectrum-difference': () =>
    viz.spectrumHeatmap([{ label: 'CFG − unguided', values: Array.from({ length: 64 }, (_, i) => Math.sin(i)), height: 8, width: 8 }], {
      mode: 'difference',
    }),
  'radial-spectrum': () => viz.radialSpectrum(f.radialCurves(), { title: 'Radially averaged power' }),
  'fid-curves': () => viz.metricCurves(f.metricRows(), { metric: 'FID', unguided: 40.5 }),
  'accuracy-curves': () =>
    viz.metricCurves(
      f.metricRows().map((r) => ({ ...r, value: 100 - r.value })),
      { metric: 'class accuracy (%)', direction: 'max' },
    ),
  'parameter-heatmap': () =>
    viz.parameterHeatmap(f.gridRows(), { xTitle: 'EMA of positive (σ_rel)', yTitle: 'EMA of guide (σ_rel)', metric: 'FID' }),
  'fid-curves-floor': () => viz.metricCurves(f.metricRows(), { metric: 'FID', unguided: 40.5, floor: 12.25 }),
  difference: () => viz.differenceChart(f.differenceRows(), { metric: 'FID', baseline: 'unguided', direction: 'min' }),
  'variant-bars': () => viz.variantBars(f.variantRows(), { metric: 'FID', reference: { label: 'unguided', value: 16.3 } }),
};

for (const [name, build] of Object.entries(charts)) {
  test(`${name}: valid spec, SVG snapshot, non-blank PNG`, async () => {
    const spec = build();
    assertValidVegaLite(spec);
    assert.equal((spec.config as { font?: string }).font, viz.FONT_FAMILY);
    const svg = await viz.toSvg(spec);
    matchSnapshot(name, svg);
    const m = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
    assert.ok(m, 'SVG has a width and height');
    const r = viz.svgToPng(svg, 2);
    assert.deepEqual(viz.pngSize(r.png), { width: 2 * Number(m[1]), height: 2 * Number(m[2]) });
    assert.equal(r.pixels.length, r.width * r.height * 4);
    assert.ok(luminanceVariance(r.pixels) > 100, `PNG of ${name} looks blank`);
  });
}

test('a grid of 64 images of 32×32 builds, validates and renders with a small spec', async () => {
  const spec = viz.sampleGrid(Array.from({ length: 64 }, (_, i) => ({ ...f.ringImage(i), label: `#${i}` })));
  assertValidVegaLite(spec);
  assert.ok(JSON.stringify(spec).length < 250_000, `spec is ${JSON.stringify(spec).length} characters`);
  const { width, height, pixels } = await viz.toPng(spec, 1);
  assert.ok(width > 8 * 96 && height > 8 * 96, `${width}×${height}`);
  assert.ok(luminanceVariance(pixels) > 100);
});

test('the schema check is not vacuous: a wrong mark type is refused', () => {
  assert.throws(() => assertValidVegaLite({ ...charts['fid-curves'](), mark: 'blob' }), /not valid Vega-Lite/);
});

test('saveFigure writes .svg, .png and .vl.json', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const base = join(mkdtempSync(join(tmpdir(), 'viz-')), 'sub', 'fid');
  const spec = charts['fid-curves']();
  const paths = await viz.saveFigure(spec, base);
  assert.deepEqual(paths, { svg: `${base}.svg`, png: `${base}.png`, spec: `${base}.vl.json` });
  assert.deepEqual(JSON.parse(readFileSync(paths.spec, 'utf8')), JSON.parse(JSON.stringify(spec)));
  assert.match(readFileSync(paths.svg, 'utf8'), /^<svg/);
  assert.ok(viz.pngSize(readFileSync(paths.png)).width > 0);
});

test('bar labels print the mean rounded once: 3.034784 reads 3.03 (a 4-digit spec value, 3.035, read 3.04)', async () => {
  const svg = await viz.toSvg(
    viz.variantBars(
      [
        { variant: 'autoguidance', value: 3.034784 },
        { variant: 'icg', value: 3.09465 },
      ],
      { metric: 'FID' },
    ),
  );
  const labels = [...svg.matchAll(/>(\d\.\d\d)</g)].map((m) => m[1]);
  assert.ok(labels.includes('3.03') && labels.includes('3.09'), `labels ${labels.join(', ')}`);
  assert.ok(!labels.includes('3.04') && !labels.includes('3.10'), `labels ${labels.join(', ')}`);
});

test('variant bars with intervals: the whisker spans each interval, nothing is highlighted, bad intervals are refused', async () => {
  const rows = [
    { variant: 'cfg', value: 2.8, interval: [1.7, 4.4] as [number, number] },
    { variant: 'mambo-g', value: 2.7, interval: [1.6, 4.2] as [number, number] },
  ];
  const spec = viz.variantBars(rows, { metric: 'FID', highlightBest: false });
  assertValidVegaLite(spec);
  const values = (spec as { data: { values: { variant: string; min: number; max: number }[] } }).data.values;
  assert.deepEqual(
    values.map((v) => [v.variant, v.min, v.max]),
    [
      ['cfg', 1.7, 4.4],
      ['mambo-g', 1.6, 4.2],
    ],
  );
  const svg = await viz.toSvg(spec);
  assert.ok(!svg.toLowerCase().includes(HIGHLIGHT_COLOUR.toLowerCase()), 'no bar highlighted');
  assert.match(svg, /whisker: 95% interval/);
  assert.doesNotMatch(svg, /best/);
  assert.throws(() => viz.variantBars([{ ...rows[0], interval: [3, 2] }], { metric: 'FID' }), /rows\[0\]\.interval is \[3,2\]/);
  assert.throws(() => viz.variantBars([rows[0], rows[0]], { metric: 'FID' }), /variant "cfg" has two rows/);
});
