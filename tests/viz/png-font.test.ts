/** The grayscale PNG encoder and the TrueType advance-width reader. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { fontMeasure } from '../../src/viz/font';
import * as viz from '../../src/viz';

test('encodeGrayPng maps [-1, 1] to 0..255, clamps, and upscales by whole pixels', () => {
  const png = viz.encodeGrayPng([-1, 0, 1, 7], 2, 2, 2);
  assert.deepEqual(viz.pngSize(png), { width: 4, height: 4 });
  // IDAT starts after the 8-byte signature and the 25-byte IHDR chunk
  const idatLength = png.readUInt32BE(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLength));
  const rows = [0, 1, 2, 3].map((r) => [...raw.subarray(r * 5, r * 5 + 5)]);
  assert.deepEqual(rows[0], [0, 0, 0, 128, 128]);
  assert.deepEqual(rows[1], [2, 0, 0, 0, 0]); // filter Up: same as the row above
  assert.deepEqual(rows[2], [0, 255, 255, 255, 255]); // 7 clamps to 1
  assert.ok(viz.grayPngDataUrl([0], 1, 1).startsWith('data:image/png;base64,iVBORw0KGgo'));
});

test('pngSize refuses what is not a PNG', () => {
  assert.throws(() => viz.pngSize(Buffer.from('GIF89a-not-a-png-at-all-xx')), /not a PNG: first bytes 474946/);
});

const font = viz.fontFile();
test('fontMeasure reads DejaVu Sans advance widths', { skip: font === null ? 'no DejaVu Sans installed' : false }, () => {
  const measure = fontMeasure(font as string);
  assert.equal(measure('a', 2048), 1255); // DejaVu Sans: 2048 units per em, "a" advances 1255
  assert.ok(measure('M', 12) > measure('i', 12));
  assert.ok(Math.abs(measure('ab', 12) - measure('a', 12) - measure('b', 12)) < 1e-9);
  assert.ok(measure('γ', 12) > 0);
});

test('GUIDANCE_LAB_FONT pointing at a missing file is a clear error', () => {
  const saved = process.env.GUIDANCE_LAB_FONT;
  process.env.GUIDANCE_LAB_FONT = '/nonexistent/font.ttf';
  try {
    assert.throws(() => viz.fontFile(), /GUIDANCE_LAB_FONT is "\/nonexistent\/font.ttf", which does not exist/);
  } finally {
    if (saved === undefined) delete process.env.GUIDANCE_LAB_FONT;
    else process.env.GUIDANCE_LAB_FONT = saved;
  }
});
