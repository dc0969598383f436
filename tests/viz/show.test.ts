/** Notebook display: the bundle's shape, the private-kernel path (with a stand-in module) and the no-kernel fallback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as viz from '../../src/viz';
import * as f from './fixtures';

const spec = viz.metricCurves(f.metricRows(), { metric: 'FID' });

test('displayBundle holds the spec as an object, a base64 PNG and text/plain, and no text/html', async () => {
  const { png, width, height } = await viz.toPng(spec, 2);
  const b = viz.displayBundle(spec, png, 2);
  assert.deepEqual(Object.keys(b.data).sort(), ['application/vnd.vegalite.v5+json', 'image/png', 'text/plain']);
  assert.equal(typeof b.data[viz.VEGALITE_MIME], 'object');
  assert.deepEqual(b.data[viz.VEGALITE_MIME], JSON.parse(JSON.stringify(spec)));
  assert.deepEqual(Buffer.from(b.data['image/png'] as string, 'base64'), png);
  assert.match(b.data['text/plain'] as string, new RegExp(`^<Vega-Lite chart "FID vs γ", ${width / 2}×${height / 2} px>$`));
  assert.deepEqual(b.metadata, { 'image/png': { width: width / 2, height: height / 2 } });
  assert.deepEqual(b.transient, {});
});

test('in a tslab kernel, show() sends one bundle through jupyter.js lastWriteDisplayData', async () => {
  const key = '/fake/node_modules/tslab/dist/jupyter.js';
  const sent: [viz.DisplayBundle, boolean][] = [];
  const fake = { exports: { lastWriteDisplayData: (bundle: viz.DisplayBundle, update: boolean) => sent.push([bundle, update]) } };
  require.cache[key] = fake as unknown as NodeJS.Module;
  try {
    const r = await viz.show(spec);
    assert.equal(r.via, 'bundle');
    assert.equal(sent.length, 1);
    assert.equal(sent[0][1], false);
    assert.equal(sent[0][0], r.bundle);
    assert.ok(!('text/html' in sent[0][0].data));
  } finally {
    delete require.cache[key];
  }
});

test('outside a kernel, show() writes the PNG to a temp file instead of throwing', async () => {
  const r = await viz.show(spec);
  assert.equal(r.via, 'file');
  assert.ok(r.path && existsSync(r.path));
  assert.deepEqual(readFileSync(r.path), Buffer.from(r.bundle.data['image/png'] as string, 'base64'));
});

test('showImage displays a ready PNG the same way', () => {
  const png = viz.encodeGrayPng([-1, 1, 1, -1], 2, 2, 3);
  const r = viz.showImage(png);
  assert.equal(r.via, 'file');
  assert.deepEqual(Object.keys(r.bundle.data).sort(), ['image/png', 'text/plain']);
});
