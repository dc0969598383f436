/** Bad input is refused with an error naming the bad value: empty data, NaN (the policy is refuse, never drop), mismatched sizes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as viz from '../../src/viz';
import * as f from './fixtures';

const img = f.ringImage(0, 8);
const map8 = { values: Array.from(f.peakedMap(2, 2, 8, 3)), height: 8, width: 8 };

test('empty inputs are refused, naming the builder and the input', () => {
  assert.throws(() => viz.sampleGrid([]), /sampleGrid: images is empty/);
  assert.throws(() => viz.attentionGrid([]), /attentionGrid: maps is empty/);
  assert.throws(() => viz.spectrumHeatmap([]), /spectrumHeatmap: spectra is empty/);
  assert.throws(() => viz.radialSpectrum([]), /radialSpectrum: curves is empty/);
  assert.throws(() => viz.metricCurves([], { metric: 'FID' }), /metricCurves: rows is empty/);
  assert.throws(() => viz.parameterHeatmap([], { xTitle: 'a', yTitle: 'b', metric: 'FID' }), /parameterHeatmap: rows is empty/);
  assert.throws(() => viz.variantBars([], { metric: 'FID' }), /variantBars: rows is empty/);
  assert.throws(() => viz.radialSpectrum([{ group: 'a', frequency: [], power: [] }]), /0 frequencies and 0 powers/);
});

test('NaN and Infinity are refused everywhere, with the field and index', () => {
  const nanImage = { ...img, pixels: Array.from(img.pixels, (v, i) => (i === 5 ? NaN : v)) };
  assert.throws(() => viz.sampleGrid([img, nanImage]), /images\[1\]\.pixels\[5\] is NaN; values must be finite/);
  assert.throws(
    () => viz.attentionOverlay(img, { ...map8, values: map8.values.map((v, i) => (i === 9 ? Infinity : v)) }),
    /map\.values\[9\] is Infinity/,
  );
  assert.throws(() => viz.attentionGrid([{ ...map8, layer: 'mid.attn', head: NaN }]), /maps\[0\]\.head is NaN/);
  assert.throws(
    () => viz.spectrumHeatmap([{ ...f.spectra(4)[0], values: [NaN, ...f.spectra(4)[0].values.slice(1)] }]),
    /spectra\[0\]\.values\[0\] is NaN/,
  );
  assert.throws(() => viz.radialSpectrum([{ group: 'a', frequency: [0, 0.25], power: [1, NaN] }]), /curves\[0\]\.power\[1\] is NaN/);
  const rows = f.metricRows();
  rows[4] = { ...rows[4], value: NaN };
  assert.throws(() => viz.metricCurves(rows, { metric: 'FID' }), /rows\[4\]\.value is NaN/);
  assert.throws(() => viz.metricCurves(f.metricRows(), { metric: 'FID', unguided: NaN }), /options\.unguided is NaN/);
  assert.throws(
    () => viz.parameterHeatmap([{ x: 1, y: NaN, value: 2 }], { xTitle: 'a', yTitle: 'b', metric: 'FID' }),
    /rows\[0\]\.y is NaN/,
  );
  assert.throws(
    () =>
      viz.variantBars(
        [
          { variant: 'a', value: 1 },
          { variant: 'b', value: NaN },
        ],
        { metric: 'FID' },
      ),
    /rows\[1\]\.value is NaN/,
  );
});

test('mismatched sizes are refused, naming both sizes', () => {
  assert.throws(() => viz.sampleGrid([img, f.ringImage(1, 16)]), /images\[1\] is 16×16 but images\[0\] is 8×8/);
  assert.throws(
    () => viz.attentionOverlay(img, { values: Array.from(f.peakedMap(1, 1, 4, 2)), height: 4, width: 4 }),
    /map is 4×4 but image is 8×8; resample map to 8×8 first/,
  );
  assert.throws(() => viz.sagMaskOverlay(img, { values: [1, 0], height: 1, width: 2 }), /mask is 1×2 but image is 8×8/);
  assert.throws(
    () => viz.sampleGrid([{ pixels: [0, 0, 0], height: 2, width: 2 }]),
    /images\[0\]\.pixels has 3 values but height×width is 2×2 = 4/,
  );
  assert.throws(() => viz.radialSpectrum([{ group: 'a', frequency: [0, 0.1], power: [1] }]), /2 frequencies and 1 powers/);
});

test('values outside their domain are refused with what is allowed', () => {
  assert.throws(
    () => viz.sagMaskOverlay(img, { ...map8, values: map8.values }),
    /mask\.values\[0\] is [\d.e-]+; a mask holds only 0 and 1/,
  );
  assert.throws(() => viz.radialSpectrum([{ group: 'a', frequency: [0.6], power: [1] }]), /frequency\[0\] is 0\.6; .*0 … 0\.5/);
  assert.throws(
    () => viz.radialSpectrum([{ group: 'a', frequency: [0.1], power: [0] }]),
    /power\[0\] is 0; power must be > 0 on a log axis/,
  );
  assert.throws(
    () => viz.spectrumHeatmap([{ label: 'x', values: [-1], height: 1, width: 1 }]),
    /values\[0\] is -1; magnitudes must be ≥ 0/,
  );
  assert.throws(
    () => viz.metricCurves(f.metricRows(), { metric: 'FID', direction: 'up' as 'min' }),
    /direction is "up"; allowed: "min", "max"/,
  );
  assert.throws(() => viz.sampleGrid([img], { layout: 'rows' as 'wrap' }), /layout is "rows"; allowed/);
  assert.throws(() => viz.sampleGrid([img], { layout: 'methodByGamma' }), /needs both on every image/);
  assert.throws(
    () =>
      viz.sampleGrid(
        [
          { ...img, method: 'CFG', gamma: 1 },
          { ...img, method: 'CFG', gamma: 1 },
        ],
        { layout: 'methodByGamma' },
      ),
    /repeats method "CFG" at γ = 1/,
  );
  assert.throws(
    () =>
      viz.parameterHeatmap(
        [
          { x: 1, y: 1, value: 2 },
          { x: 1, y: 1, value: 3 },
        ],
        { xTitle: 'a', yTitle: 'b', metric: 'FID' },
      ),
    /repeats \(x 1, y 1\)/,
  );
  assert.throws(
    () => viz.attentionGrid([{ ...map8, layer: 'mid.attn', head: 0 }], { query: { row: 8, col: 0, height: 8, width: 8 } }),
    /query is at row 8, col 0; it must lie in its 8×8 grid/,
  );
  assert.throws(() => viz.attentionOverlay(img, map8, { opacity: 2 }), /opacity is 2; allowed: \(0, 1\]/);
});

test('the method × label grid puts one image per (method, label) and names a repeat', async () => {
  const img = { pixels: new Array(16).fill(0), height: 4, width: 4 };
  const images = ['CFG', 'PAG'].flatMap((method) => ['σ=10', 'σ=2'].map((label) => ({ ...img, method, label })));
  const svg = await viz.toSvg(viz.sampleGrid(images, { layout: 'methodByLabel' }));
  for (const text of ['CFG', 'PAG', 'σ=10', 'σ=2']) assert.match(svg, new RegExp(`>${text}<`));
  assert.ok(svg.indexOf('>σ=10<') < svg.indexOf('>σ=2<'), 'columns keep the labels’ order');
  assert.throws(() => viz.sampleGrid([images[0], images[0]], { layout: 'methodByLabel' }), /repeats method "CFG" at label "σ=10"/);
  assert.throws(
    () => viz.sampleGrid([img], { layout: 'methodByLabel' }),
    /has method undefined and label undefined; layout "methodByLabel" needs both/,
  );
});
