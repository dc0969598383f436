/** The attention-row explorer: valid Vega-Lite 5, the initial query in the static picture, another row when another query is hovered. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { HOVER_QUERY, attentionRowExplorer, svgWidth, toSvg, MAX_FIGURE_WIDTH } from '../../src/viz';
import { assertValidVegaLite } from './helpers';
import { peakedMap, ringImage } from './fixtures';

const grid: [number, number] = [4, 4];
/** Returns a 16×16 attention matrix whose row q peaks at key (q + shift) mod 16. */
function shifted(shift: number): number[] {
  return Array.from({ length: 256 }, (_, i) => ((Math.floor(i / 16) + shift) % 16 === i % 16 ? 0.7 : 0.3 / 15));
}
const identity = Array.from({ length: 256 }, (_, i) => (Math.floor(i / 16) === i % 16 ? 1 : 0));

/** Returns an SVG without vega's process-wide gradient counter (gradient_0, gradient_1, … for the same legend). */
function stable(svg: string): string {
  return svg.replace(/gradient_[0-9]+/g, 'gradient');
}

/** Renders `spec` with queries `picked` in the hover selection's store (as a hover leaves it). */
async function render(spec: TopLevelSpec, picked: number[]): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    view.data(
      `${HOVER_QUERY}_store`,
      picked.map((q) => ({ unit: 'concat_0_layer_1', fields: [{ type: 'E', field: 'q' }], values: [q] })),
    );
    return stable(await view.toSVG());
  } finally {
    view.finalize();
  }
}

test('the attention explorer is valid Vega-Lite, starts at its initial query and shows another row for another hovered query', async () => {
  const variants = [
    { name: 'normal', values: shifted(1) },
    { name: 'identity (PAG)', values: identity },
  ];
  const spec = attentionRowExplorer(ringImage(1), variants, { grid, query: 5 });
  assertValidVegaLite(spec);
  const initial = stable(await toSvg(spec));
  assert.ok((await render(spec, [5])) === initial, 'the static picture is query 5 hovered');
  const other = await render(spec, [9]);
  assert.ok(other !== initial, 'query 9 hovered differs from query 5');
  assert.ok((await render(spec, [6])) !== other, 'query 6 hovered differs from query 9');
  // With the initial query picked, each map holds one row: 16 key cells per variant.
  const cells = (svg: string) => (svg.match(/aria-roledescription="rect mark"/g) ?? []).length;
  assert.equal(cells(await render(spec, [])), cells(initial) - 2 * 16 - 3, 'nothing hovered: no rows and no outlines');
});

test('the attention explorer wraps its maps to stay within the figure width', async () => {
  const variants = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) => ({ name, values: shifted(i) }));
  const spec = attentionRowExplorer(ringImage(2), variants, { grid }) as { columns: number };
  assert.ok(spec.columns < 7, `columns ${spec.columns}`);
  assert.ok(svgWidth(await toSvg(spec as TopLevelSpec)) <= MAX_FIGURE_WIDTH);
});

test('the attention explorer refuses a matrix of the wrong size, a repeated name and a query off the grid', () => {
  const image = ringImage(3);
  const small = [{ name: 'a', values: Array.from(peakedMap(1, 1, 4)) }];
  assert.throws(() => attentionRowExplorer(image, small, { grid }), /variants\[0\]\.values has 16 values but height×width is 16×16 = 256/);
  const twice = [
    { name: 'a', values: identity },
    { name: 'a', values: identity },
  ];
  assert.throws(() => attentionRowExplorer(image, twice, { grid }), /variants\[1\]\.name is "a"/);
  const one = [{ name: 'a', values: identity }];
  assert.throws(() => attentionRowExplorer(image, one, { grid, query: 16 }), /query is 16; it must be a token index 0…15 of the 4×4 grid/);
});
