import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { saveRows } from '../../src/notebook/rows';
import { PRESET_SIZES } from '../../src/notebook/sizes';

test('saveRows writes the sizes and every row, naming ∞ and NaN instead of null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-rows-'));
  try {
    const rows = [
      { method: 'seg σ=∞', gamma: 3, seed: 0, kid: 0.002, accuracy: 0.9, fid: 4.5 },
      { method: 'tsg', gamma: 1, seed: 1, kid: 0.003, accuracy: NaN },
    ];
    const cells = [{ x: 0.05, y: 'small', value: 1.5 }];
    const path = saveRows(join(dir, 'nested', 'rows.json'), PRESET_SIZES.full, { rows, cells, empty: [] });
    assert.equal(path, join(dir, 'nested', 'rows.json'));
    const back = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(back.sizes.samples, PRESET_SIZES.full.samples);
    assert.deepEqual(
      back.sizes.seg.sigmas,
      PRESET_SIZES.full.seg.sigmas.map((s) => (Number.isFinite(s) ? s : 'Infinity')),
    );
    assert.deepEqual(back.rows.rows[0], rows[0]);
    assert.equal(back.rows.rows[1].accuracy, 'NaN');
    assert.deepEqual(back.rows.cells, cells);
    assert.deepEqual(back.rows.empty, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
