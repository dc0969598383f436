import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDenoiser } from '../../src/model/factory';
import { saveModel } from '../../src/model/io';
import { runFiles } from '../../src/train/trainer';
import { testBackend } from '../test-backend';
import { CLI, TINY, tinyCheckpoint } from './helpers';

let dir: string;
let model: string;

before(async () => {
  ({ dir, model } = await tinyCheckpoint('gl-bad-', { images: 8 }));
});

/** Runs the CLI; `started` says whether it got as far as starting the tensor backend (the start of any real work). */
function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string; started: boolean } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, GUIDANCE_LAB_BACKEND: testBackend(), GUIDANCE_LAB_QUIET: '', ...env },
  });
  return { status: r.status, stderr: r.stderr, started: r.stderr.includes('tfjs backend') };
}

test('bad numbers are refused with exit 1 before any work: train --lr abc, sims --lr abc, sample --gamma ""', () => {
  const out = join(dir, 'train-run');
  const train = cli(['train', '--preset', 'dit-small', '--out', out, '--images', '64', '--lr', 'abc']);
  assert.equal(train.status, 1);
  assert.match(train.stderr, /guidance-lab: --lr must be a finite number > 0; got "abc"/);
  assert.ok(!train.started && !existsSync(out), 'nothing ran and no run folder was made');
  const sims = cli(['sims', '--base', model, '--out', join(dir, 'sims'), '--synthetic', '10', '--budgets', '100', '--lr', 'abc']);
  assert.equal(sims.status, 1);
  assert.match(sims.stderr, /--lr must be a finite number > 0; got "abc"/);
  const gamma = cli(['sample', '--model', model, '--method', 'pag', '--gamma', '', '--out', join(dir, 'g.png')]);
  assert.equal(gamma.status, 1);
  assert.match(gamma.stderr, /--gamma must be a finite number; got ""/);
  const stray = cli(['sample', '--model', model, '--gamma', '2', '--out', join(dir, 'g.png')]);
  assert.equal(stray.status, 1);
  assert.match(stray.stderr, /--gamma sets an option of --method, and no --method is given/);
});

test('--workers above the core count warns and is capped', () => {
  const r = cli(['train', '--preset', 'no-such-preset', '--out', join(dir, 'w'), '--images', '64', '--workers', '1000']);
  assert.match(r.stderr, /warning: --workers 1000 is more than the \d+ cores of this machine; using \d+/);
  assert.match(r.stderr, /unknown model preset "no-such-preset"/);
  assert.equal(r.status, 1);
});

test('sample checks that it can write --out before sampling; a path under /proc fails at once', () => {
  const r = cli(['sample', '--model', model, '--n', '2', '--steps', '1', '--out', '/proc/no-such/grid.png']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--out \/proc\/no-such\/grid\.png cannot be written \(\w+\)/);
  assert.ok(!r.started, 'the backend never started');
});

test('ship validates --name before reading anything and refuses non-finite weights before copying anything', async () => {
  const shipped = join(dir, 'shipped');
  const bad = cli(['ship', '--run', join(dir, 'no-such-run'), '--name', '../outside']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--name must be a non-empty name .*got "\.\.\/outside"/);
  const run = join(dir, 'nan-run');
  mkdirSync(run);
  const weights = createDenoiser(TINY, 1).net.params.snapshot();
  const first = Object.keys(weights)[0];
  weights[first].data[3] = NaN;
  await saveModel(runFiles.ema(run, 0.1), TINY, weights, { images: 8 }, 'F32');
  const nan = cli(['ship', '--run', run, '--name', 'nan-model', '--no-variants'], { GUIDANCE_LAB_CHECKPOINTS: shipped });
  assert.equal(nan.status, 1);
  assert.match(
    nan.stderr,
    new RegExp(`weight ${first.replace(/\./g, '\\.')} holds NaN at index 3; a run whose weights are not finite is not shipped`),
  );
  assert.ok(!existsSync(shipped) || readdirSync(shipped).length === 0, 'nothing was copied');
});

test('train-ae refuses a bad length before any work; ship-ae refuses a non-safetensors --out and an unfinished run', () => {
  const out = join(dir, 'ae-run');
  const train = cli(['train-ae', '--out', out, '--images', '0']);
  assert.equal(train.status, 1);
  assert.match(train.stderr, /guidance-lab: --images must be an integer ≥ 1; got "0"/);
  assert.ok(!train.started && !existsSync(out), 'nothing ran and no run folder was made');
  const wrong = cli(['ship-ae', '--run', out, '--out', join(dir, 'ae.bin')]);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /--out must be a \.safetensors path; got ".*ae\.bin"/);
  assert.ok(!wrong.started);
  const unfinished = cli(['ship-ae', '--run', out, '--out', join(dir, 'ae.safetensors')]);
  assert.equal(unfinished.status, 1);
  assert.match(unfinished.stderr, /ae-run has no final\.safetensors: the run has not finished \(rerun its train-ae command\)/);
  assert.ok(!existsSync(join(dir, 'ae.safetensors')), 'nothing was shipped');
});
