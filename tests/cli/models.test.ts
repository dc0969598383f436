import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelTable } from '../../src/cli/models';

test('models: one table row per checkpoint, read from its card; a checkpoint without a card says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-models-'));
  for (const name of ['a-main', 'b-bare']) writeFileSync(join(dir, `${name}.safetensors`), '');
  const card = {
    name: 'a-main',
    config: { arch: 'unet', classes: 10 },
    parameters: 701234,
    training: { images: 72000, elapsedSeconds: 5400 },
    evaluation: { samples: 100, steps: 18, classAccuracy: 0.83 },
  };
  writeFileSync(join(dir, 'a-main.card.json'), JSON.stringify(card));
  const lines = modelTable(dir).split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[2], '| a-main | unet | 701k | 72,000 | 90 | 83% of 100 |');
  assert.equal(lines[3], '| b-bare | (no card) | | | | |');
});
