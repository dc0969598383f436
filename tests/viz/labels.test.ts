/** Labels do not sit on data: reference values (unguided) are named in the subtitle, not printed on the plot. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as viz from '../../src/viz';
import * as f from './fixtures';

/** Returns the texts of an SVG outside its title group (axis labels, legends, marks). */
function plotTexts(svg: string): string[] {
  const withoutTitle = svg.replace(/<g class="mark-group role-title"[\s\S]*?<\/g><\/g><\/g>/, '');
  return [...withoutTitle.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

test('variant bars name the reference in the subtitle, not on a bar', async () => {
  const svg = await viz.toSvg(viz.variantBars(f.variantRows(), { metric: 'FID', reference: { label: 'unguided', value: 16.3 } }));
  assert.match(svg, />dashed: unguided \(16.3\)</);
  assert.deepEqual(plotTexts(svg).filter((t) => t.includes('unguided')), []);
});

test('metric curves name the unguided value in the subtitle, not on the curves', async () => {
  const svg = await viz.toSvg(viz.metricCurves(f.metricRows(), { metric: 'FID', unguided: 40.5 }));
  assert.match(svg, />dashed: unguided \(40.5\)</);
  assert.deepEqual(plotTexts(svg).filter((t) => t.includes('unguided')), []);
});
