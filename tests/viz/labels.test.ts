/** Labels do not sit on data: reference values (unguided) are named in the subtitle, not printed on the plot. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import * as viz from '../../src/viz';
import * as f from './fixtures';
import { assertValidVegaLite } from './helpers';

/** Returns the texts of an SVG outside its title group (axis labels, legends, marks). */
function plotTexts(svg: string): string[] {
  const withoutTitle = svg.replace(/<g class="mark-group role-title"[\s\S]*?<\/g><\/g><\/g>/, '');
  return [...withoutTitle.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

test('variant bars name the reference in the subtitle, not on a bar', async () => {
  const svg = await viz.toSvg(viz.variantBars(f.variantRows(), { metric: 'FID', reference: { label: 'unguided', value: 16.3 } }));
  assert.match(svg, />dashed: unguided \(16.3\)</);
  assert.deepEqual(
    plotTexts(svg).filter((t) => t.includes('unguided')),
    [],
  );
});

test('metric curves name the unguided value in the subtitle, not on the curves', async () => {
  const svg = await viz.toSvg(viz.metricCurves(f.metricRows(), { metric: 'FID', unguided: 40.5 }));
  assert.match(svg, />dashed: unguided \(40.5\)</);
  assert.deepEqual(
    plotTexts(svg).filter((t) => t.includes('unguided')),
    [],
  );
});

test('log axes span the data: FID 3…6.5 is not drawn on a 1…10 axis, and the spec stays valid Vega-Lite', async () => {
  const rows = [0, 1, 2, 3].flatMap((gamma) => [{ method: 'cfg', gamma: gamma + 0.5, value: 3 + gamma * 1.1 }]);
  const spec = viz.metricCurves(rows, { metric: 'FID', logY: true, logX: true, markBest: false });
  assertValidVegaLite(spec);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  await view.runAsync();
  const [lo, hi] = view.scale('y').domain() as number[];
  view.finalize();
  // The data span 3 … 6.3; a nice log domain would be 1 … 10. A few pixels of padding widen it a little.
  assert.ok(lo > 2.5 && lo < 3 && hi > 6.3 && hi < 8, `y domain ${lo} … ${hi}`);
  const svg = await viz.toSvg(spec);
  assert.doesNotMatch(svg, /◆ best/, 'no best-value marker when markBest is false');
});

/** Returns the scenegraph items of a view's data-driven text marks (the bar labels), with their datum. */
function textMarkItems(node: unknown): { x: number; datum: { max: number } }[] {
  const n = node as { marktype?: string; role?: string; items?: unknown[] };
  const own = n.marktype === 'text' && n.role === 'mark' ? (n.items as { x: number; datum: { max: number } }[]) : [];
  const children = (n.items ?? []).flatMap((item) => textMarkItems(item));
  return [...own, ...children];
}

test('variant bars print each value right of its whisker and of zero, so no label sits on a negative bar', async () => {
  const rows = [-32, -25, -12].flatMap((value, v) => [0, 1].map((seed) => ({ variant: `v${v}`, seed, value: value + (seed ? 20 : -20) })));
  const spec = viz.variantBars(rows, { metric: 'KID ×10³' });
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  await view.runAsync();
  const x = view.scale('x') as (v: number) => number;
  const labels = textMarkItems((view.scenegraph() as unknown as { root: unknown }).root);
  view.finalize();
  assert.equal(labels.length, 3);
  for (const item of labels) {
    assert.ok(item.x >= x(0) - 1e-9, `label at ${item.x}, zero at ${x(0)}`);
    assert.ok(item.x >= x(item.datum.max) - 1e-9, `label at ${item.x}, whisker end at ${x(item.datum.max)}`);
  }
  // The −12 bar's whisker reaches +8: its label goes right of it.
  assert.ok(
    labels.some((item) => item.x > x(0) + 1),
    'a whisker past zero pushes its label past zero',
  );
});

type LabelItem = { bounds: { x1: number; x2: number; y1: number }; text: string; align: string };

/** Returns every axis' tick labels in a view's scenegraph, one array per axis (the items of its 'axis-label' mark). */
function axisLabels(node: unknown): LabelItem[][] {
  const n = node as { role?: string; items?: unknown[] };
  const own = n.role === 'axis-label' ? [n.items as LabelItem[]] : [];
  return [...own, ...(n.items ?? []).flatMap((item) => axisLabels(item))];
}

test('curve charts centre every x label on its tick, the ends too (flush end labels once read "0.00.2" on a dense γ grid)', async () => {
  const gammas = [0, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5];
  const rows = gammas.flatMap((gamma) => [{ method: 'sims', gamma, value: 20 - gamma * 40 }]);
  const view = new vega.View(vega.parse(compile(viz.metricCurves(rows, { metric: 'KID ×10³', xTitle: 'guidance weight ω' })).spec), {
    renderer: 'none',
  });
  await view.runAsync();
  // The x axis is the one whose labels share a baseline.
  const axes = axisLabels((view.scenegraph() as unknown as { root: unknown }).root);
  view.finalize();
  const xAxis = axes.find((items) => items.length > 1 && items.every((item) => item.bounds.y1 === items[0].bounds.y1)) ?? [];
  assert.ok(xAxis.length >= 6, `${xAxis.length} x labels`);
  // Centred labels are spaced as their ticks; a flush end label (vega-lite's default) is anchored at its own edge and, drawn
  // in the real font, ran into its neighbour. (Label widths here are vega's estimates, not the font's, so the test checks
  // the anchoring rather than the measured bounds.)
  assert.deepEqual(
    xAxis.filter((item) => item.align !== 'center').map((item) => `${item.text}: ${item.align}`),
    [],
  );
});
