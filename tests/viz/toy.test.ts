/** The toy charts: panels over a shared extent (image, points, arrows, paths) and the γ slider. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as viz from '../../src/viz';

const extent: [number, number, number, number] = [-1, 1, -0.5, 0.5];
const background = { values: [0, 0.5, 1, 0.25], height: 1, width: 4 };
const points = [
  { x: 0, y: 0, group: 'b' },
  { x: 0.5, y: -0.2, group: 'a' },
  { x: 3, y: 0, group: 'a' },
];

test('toyPanels lays out one layered panel per entry with shared colours and a height from the extent', async () => {
  const paths = [
    { id: 0, step: 0, x: 0, y: 0, group: 'a' },
    { id: 0, step: 1, x: 0.2, y: 0.1, group: 'a' },
  ];
  const panels = [
    { title: 'one', background, points },
    { title: 'two', arrows: [{ x: 0, y: 0, x2: 0.1, y2: 0 }], paths },
  ];
  const spec = viz.toyPanels(panels, { extent, size: 200 }) as any;
  assert.equal(spec.concat.length, 2);
  assert.equal(spec.concat[0].height, 100);
  assert.deepEqual(
    spec.concat[0].layer.map((l: any) => l.mark.type),
    ['point', 'image', 'circle'],
  );
  assert.deepEqual(
    spec.concat[1].layer.map((l: any) => l.mark.type),
    ['point', 'line', 'rule', 'point'],
  );
  assert.deepEqual(spec.concat[0].layer[2].encoding.color.scale.domain, ['a', 'b']);
  assert.equal(spec.concat[0].layer[1].data.name, 'background0');
  assert.match(spec.datasets.background0[0].url, /^data:image\/png;base64,/);
  // Pointing right (+x) is a 90° clockwise turn of the upward triangle.
  assert.equal(spec.concat[1].layer[3].data.values[0].angle, 90);
  const svg = await viz.toSvg(spec);
  assert.match(svg, /<image/);
});

test('toyPanels stores a background shared by several panels once', () => {
  const other = { ...background, values: [1, 1, 1, 1] };
  const spec = viz.toyPanels(
    [
      { title: 'a', background },
      { title: 'b', background },
      { title: 'c', background: other },
    ],
    { extent },
  ) as any;
  assert.deepEqual(Object.keys(spec.datasets), ['background0', 'background1']);
  assert.deepEqual(
    spec.concat.map((c: any) => c.layer[1].data.name),
    ['background0', 'background0', 'background1'],
  );
});

test('toyGammaSlider binds a γ range on an even grid, a select on an uneven one, and filters samples by it', () => {
  const grid = (gammas: number[]) =>
    gammas.flatMap((gamma) => [
      { method: 'cfg', gamma, x: 0, y: 0, group: '0' },
      { method: 'ag', gamma, x: 0.1, y: 0, group: '1' },
    ]);
  const even = viz.toyGammaSlider(grid([0, 0.5, 1]), { extent, initial: 0.5 }) as any;
  assert.deepEqual(even.params[0].bind, { input: 'range', min: 0, max: 1, step: 0.5, name: 'guidance weight γ ' });
  // On [0, 0.5, 2] a range of step 0.5 would stop at 1 and 1.5, where there are no samples.
  const spec = viz.toyGammaSlider(grid([0, 0.5, 2]), { extent, data: [{ x: 0, y: 0 }], initial: 0.5 }) as any;
  const bind = { input: 'select', options: [0, 0.5, 2], name: 'guidance weight γ ' };
  assert.deepEqual(spec.params[0], { name: 'gamma', value: 0.5, bind });
  assert.match(spec.spec.layer[1].transform[0].filter, /abs\(datum.gamma - gamma\) < 0.25/);
  assert.equal(spec.data.values.filter((v: any) => v.kind === 'data').length, 2);
  assert.deepEqual(spec.facet.sort, ['cfg', 'ag'], 'one panel per method, in order (wrapped: facet.field, not facet.column)');
});

test('bad toy chart input is refused, naming the value', () => {
  assert.throws(() => viz.toyPanels([], { extent }), /toyPanels: panels is empty/);
  assert.throws(() => viz.toyPanels([{ title: 'x', points }], { extent: [1, -1, 0, 1] }), /extent \[1,-1,0,1\] must have xmin < xmax/);
  assert.throws(() => viz.toyPanels([{ title: 'x' }], { extent }), /panels\[0\] \("x"\) has nothing to draw/);
  const nanPoint = [{ title: 'x', points: [{ x: NaN, y: 0, group: 'a' }] }];
  assert.throws(() => viz.toyPanels(nanPoint, { extent }), /panels\[0\]\.points\[0\]\.x is NaN/);
  const badBackground = [{ title: 'x', background: { values: [0, 1], height: 2, width: 2 } }];
  assert.throws(() => viz.toyPanels(badBackground, { extent }), /background\.values has 2 values/);
  const infinite = [{ method: 'cfg', gamma: Infinity, x: 0, y: 0, group: '0' }];
  assert.throws(() => viz.toyGammaSlider(infinite, { extent }), /rows\[0\]\.gamma is Infinity/);
  assert.throws(() => viz.toyGammaSlider([{ ...infinite[0], gamma: 0 }], { extent: [0, 0, 0, 1] }), /toyGammaSlider: extent/);
});
