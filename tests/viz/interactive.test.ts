/** Interactive specs: valid Vega-Lite 5, a static default state, and a different picture when a control moves. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { GAMMA_STEP, PICK_METHOD, gammaSliderGrid, metricCurves, toSvg } from '../../src/viz';
import type { ImageInput } from '../../src/viz';
import { assertValidVegaLite } from './helpers';

/** Returns a 4×4 image whose pixels all equal `v`. */
function flat(v: number, gamma: number, label: string): ImageInput {
  return { pixels: new Array(16).fill(v), height: 4, width: 4, gamma, label };
}

const images = [0, 1, 2].flatMap((g) => ['class 0', 'class 1'].map((label, i) => flat(-1 + g * 0.8 + i * 0.1, g, label)));

test('the γ slider grid is valid Vega-Lite and shows another picture at another slider value', async () => {
  const spec = gammaSliderGrid(images, { initialGamma: 1 });
  assertValidVegaLite(spec);
  const initial = await toSvg(spec);
  assert.equal(await toSvg(spec, { [GAMMA_STEP]: 1 }), initial, 'initialGamma 1 is slider step 1');
  const other = await toSvg(spec, { [GAMMA_STEP]: 2 });
  assert.notEqual(other, initial);
  assert.match(initial, /γ=1 · class 0/);
  assert.doesNotMatch(initial, /γ=2/);
  assert.match(other, /γ=2 · class 1/);
});

test('the γ slider grid refuses uneven γ groups, a missing γ and an unknown initial γ', () => {
  assert.throws(() => gammaSliderGrid(images.slice(1)), /γ = 1 has 2 images, γ = 0 has 1/);
  assert.throws(() => gammaSliderGrid([{ ...images[0], gamma: undefined }]), /images\[0\]\.gamma is undefined/);
  assert.throws(() => gammaSliderGrid(images, { initialGamma: 5 }), /initialGamma is 5; it must be one of the images' γ: 0, 1, 2/);
});

/** Renders `spec` with `picked` methods in the legend selection's store (as a legend click leaves it). */
async function renderPicked(spec: TopLevelSpec, picked: string[]): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    if (picked.length)
      view.data(
        `${PICK_METHOD}_store`,
        picked.map((m) => ({ unit: 'layer_1', fields: [{ type: 'E', field: 'method' }], values: [m] })),
      );
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

test('metric curves: a legend pick dims the other methods; the static picture has none picked', async () => {
  const rows = ['CFG', 'PAG'].flatMap((method, j) => [0, 1, 2].map((gamma) => ({ method, gamma, value: 3 + gamma * (j + 1) })));
  const spec = metricCurves(rows, { metric: 'FID' });
  assertValidVegaLite(spec);
  const dimmed = (svg: string) => (svg.match(/opacity="0.15"/g) ?? []).length;
  assert.equal(dimmed(await toSvg(spec)), 0, 'the static picture has nothing dimmed');
  assert.equal(dimmed(await renderPicked(spec, [])), 0);
  // PAG's line and its three points are dimmed when CFG is picked; its best-γ diamond too.
  assert.equal(dimmed(await renderPicked(spec, ['CFG'])), 5);
  assert.equal(dimmed(await renderPicked(spec, ['CFG', 'PAG'])), 0);
});

test('metric curves with many methods: 12 distinct line colours, and a band only for the method picked in the legend', async () => {
  const methods = Array.from({ length: 12 }, (_, i) => `m${i}`);
  const rows = methods.flatMap((method, j) =>
    [0, 1].flatMap((seed) => [0, 1, 2].map((gamma) => ({ method, seed, gamma, value: 3 + j + gamma * (seed + 1) }))),
  );
  const spec = metricCurves(rows, { metric: 'FID' });
  assertValidVegaLite(spec);
  const strokes = (svg: string) =>
    new Set([...svg.matchAll(/<path [^>]*stroke="(#[0-9a-f]{6})"[^>]*stroke-width="1.5"/g)].map((m) => m[1]));
  const bands = (svg: string) => (svg.match(/opacity="0.18"/g) ?? []).length;
  const still = await toSvg(spec);
  assert.equal(strokes(still).size, 12, 'one colour per method');
  assert.equal(bands(still), 0, 'no band in the static picture');
  assert.equal(bands(await renderPicked(spec, ['m3'])), 1);
  assert.match(still, /click a method in the legend/);
});
