import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pngSize } from '../../src/viz/png';
import { testBackend } from '../test-backend';
import { CLI, tinyCheckpoint } from './helpers';

let dir: string;
let model: string;

before(async () => {
  ({ dir, model } = await tinyCheckpoint('gl-cli-'));
});

function cli(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GUIDANCE_LAB_BACKEND: testBackend() },
  });
  return { status: r.status, stderr: r.stderr };
}

test('guidance-lab sample --method pag --gamma 3 --layers mid.attn writes a PNG grid', () => {
  const out = join(dir, 'pag.png');
  const r = cli(
    'sample',
    '--model',
    model,
    '--method',
    'pag',
    '--gamma',
    '3',
    '--layers',
    'mid.attn',
    '--cfg',
    '1',
    '--n',
    '3',
    '--steps',
    '2',
    '--out',
    out,
  );
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
  assert.match(
    badMethod.stderr,
    /--method must be one of cfg, sag, pag, seg, autoguidance, icg, tsg, sims, apg, cfgpp, cfg-zero, fdg, tcfg, mambo-g, slg, tpg, erg; got "pgs"/,
  );
});
