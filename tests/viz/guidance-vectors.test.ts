/** The guidance-vector views: valid Vega-Lite 5, a static default, another picture when a selector moves, clear errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PICK_SIGMA, PICK_VIEW_METHOD, deltaSpectrumCurves, guidanceVectorViewer, sigmaCurves, toSvg, vectorOverview } from '../../src/viz';
import type { ImageInput, VectorViewCell } from '../../src/viz';
import { assertValidVegaLite } from './helpers';

/** Returns a 4×4 image whose pixels all equal `v`. */
function flat(v: number, label: string): ImageInput {
  return { pixels: new Array(16).fill(v), height: 4, width: 4, label };
}

test('Δ against σ: valid, one line per method, log σ axis running from high to low noise', async () => {
  const rows = ['cfg', 'pag'].flatMap((method, j) =>
    [10, 1, 0.1].flatMap((sigma) => [0, 1].map((r) => ({ method, sigma, value: (j + 1) * sigma + r }))),
  );
  const spec = sigmaCurves(rows, { metric: '‖Δ‖', logY: true });
  assertValidVegaLite(spec);
  const svg = await toSvg(spec);
  assert.match(svg, /noise level σ/);
  const cos = sigmaCurves(
    rows.map((r) => ({ ...r, value: r.value / 20 })),
    { metric: 'cosine with CFG', yDomain: [-1, 1] },
  );
  assertValidVegaLite(cos);
  assert.throws(
    () => sigmaCurves([{ method: 'cfg', sigma: 0, value: 1 }], { metric: 'x' }),
    /rows\[0\]\.sigma is 0; σ must be > 0 on a log axis/,
  );
  // More than 10 methods get 20 distinct colours: every method's line has its own stroke.
  const many = Array.from({ length: 16 }, (_, m) => [1, 0.1].map((sigma) => ({ method: `m${m}`, sigma, value: m + sigma }))).flat();
  const colours = new Set([...(await toSvg(sigmaCurves(many, { metric: 'x' }))).matchAll(/stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]));
  assert.ok(colours.size >= 16, `${colours.size} distinct stroke colours for 16 methods`);

  assert.throws(
    () => sigmaCurves([{ method: 'cfg', sigma: 1, value: 0 }], { metric: 'x', logY: true }),
    /rows\[0\]\.value is 0; a log y axis needs values > 0/,
  );
});

test("Δ's spectrum: the σ selector shows another σ's curves", async () => {
  const spectra = ['cfg', 'sag'].flatMap((method, j) =>
    [5, 0.5].map((sigma) => ({ method, sigma, frequency: [0, 0.25, 0.5], power: [1, sigma * (j + 1), 0.1] })),
  );
  const spec = deltaSpectrumCurves(spectra, { initialSigma: 0.5 });
  assertValidVegaLite(spec);
  const initial = await toSvg(spec);
  assert.equal(await toSvg(spec, { [PICK_SIGMA]: 1 }), initial, 'σ = 0.5 is the second σ in descending order');
  assert.match(initial, /σ = 0\.5</);
  const other = await toSvg(spec, { [PICK_SIGMA]: 0 });
  assert.notEqual(other, initial);
  assert.match(other, /σ = 5</);
  assert.throws(() => deltaSpectrumCurves(spectra, { initialSigma: 2 }), /initialSigma is 2; it must be one of the recorded σ: 5, 0.5/);
});

test('the viewer shows one method and σ at a time and refuses uneven groups', async () => {
  const cells: VectorViewCell[] = ['cfg', 'pag'].flatMap((method, j): VectorViewCell[] => [
    ...[0, 1].map((i) => ({ method, image: flat(-1 + j * 0.5 + i * 0.1, `${method} sample ${i}`) })),
    ...[3, 0.3].flatMap((sigma) =>
      [0, 1].map((i) => ({ method, sigma, image: flat(j * 0.3 + sigma / 10, `|Δ| ${method} σ=${sigma} · ${i}`) })),
    ),
  ]);
  const spec = guidanceVectorViewer(cells, { initialMethod: 'pag' });
  assertValidVegaLite(spec);
  const initial = await toSvg(spec);
  assert.match(initial, /pag sample 1/);
  assert.match(initial, /\|Δ\| pag σ=3 · 0/);
  assert.doesNotMatch(initial, /cfg|σ=0.3/);
  const other = await toSvg(spec, { [PICK_VIEW_METHOD]: 'cfg', [PICK_SIGMA]: 1 });
  assert.match(other, /\|Δ\| cfg σ=0.3 · 1/);
  assert.doesNotMatch(other, /pag/);
  assert.throws(() => guidanceVectorViewer(cells.slice(1)), /method pag has 2 samples, cfg has 1; give every method the same noise/);
  assert.throws(() => guidanceVectorViewer(cells, { initialMethod: 'seg' }), /initialMethod is "seg"; methods: cfg, pag/);
  assert.throws(
    () => guidanceVectorViewer(cells.filter((c) => !(c.method === 'pag' && c.sigma === 3))),
    /pag at σ = 3 has 0 \|Δ\| maps, cfg at σ = 3 has 2/,
  );
});

test('the overview lays out one image per method (rows) and σ (columns, descending)', async () => {
  const cells = ['cfg', 'tpg'].flatMap((method, j) =>
    [0.2, 20].map((sigma) => ({ method, sigma, image: flat(j - 0.5 + sigma / 100, 'x') })),
  );
  const spec = vectorOverview(cells, { title: 'overview' });
  assertValidVegaLite(spec);
  const svg = await toSvg(spec);
  assert.ok(svg.indexOf('σ = 20') >= 0 && svg.indexOf('σ = 20') < svg.indexOf('σ = 0.2'), 'the larger σ comes first');
  assert.match(svg, /tpg/);
  assert.throws(() => vectorOverview([...cells, cells[0]]), /cells\[4\] repeats method "cfg" at σ = 0.2/);
});
