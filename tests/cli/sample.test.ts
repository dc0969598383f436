import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import type { ModelConfig } from '../../src/model/denoiser';
import { saveModel } from '../../src/model/io';
import { pngSize } from '../../src/viz/png';
import { testBackend } from '../test-backend';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
const TINY: ModelConfig = { arch: 'unet', imageSize: 32, channels: 1, classes: 10, widths: [8, 16, 16], attentionLevels: [1, 2], heads: 2, blocks: 1 };
let dir: string;
let model: string;

before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-cli-'));
  model = join(dir, 'tiny.safetensors');
  await saveModel(model, TINY, createDenoiser(TINY, 1).net.params.snapshot(), {}, 'F32');
});

function cli(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, GUIDANCE_LAB_BACKEND: testBackend() } });
  return { status: r.status, stderr: r.stderr };
}

test('guidance-lab sample --method pag --gamma 3 --layers mid.attn writes a PNG grid', () => {
  const out = join(dir, 'pag.png');
  const r = cli('sample', '--model', model, '--method', 'pag', '--gamma', '3', '--layers', 'mid.attn', '--cfg', '1', '--n', '3', '--steps', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const size = pngSize(readFileSync(out));
  assert.ok(size.width > 3 * 32 && size.height > 32, `PNG is ${size.width}×${size.height}`);
});

test('guidance-lab sample names bad methods and layers with the valid ones', () => {
  const out = join(dir, 'bad.png');
  const badLayer = cli('sample', '--model', model, '--method', 'pag', '--layers', 'mid.atn', '--n', '1', '--steps', '1', '--out', out);
  assert.equal(badLayer.status, 1);
  assert.match(badLayer.stderr, /unknown attention layer "mid.atn"; layers: down.1.attn, down.2.attn, mid.attn, up.2.attn, up.1.attn/);
  const badMethod = cli('sample', '--model', model, '--method', 'pgs', '--n', '1', '--steps', '1', '--out', out);
  assert.match(badMethod.stderr, /--method must be one of cfg, sag, pag, seg, autoguidance, icg, tsg, sims; got "pgs"/);
});
