import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { parseSpec, runSweep } from '../../src/experiments';
import { methodOptions } from '../../src/cli/sample';
import { pngSize } from '../../src/viz/png';
import { options, saveTiny } from '../experiments/helpers';
import { CLI } from '../cli/helpers';
import { testBackend } from '../test-backend';

let dir = '';
let model = '';
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-combine-'));
  model = await saveTiny(dir);
});

test('sweep spec: parameters checked before work; CFG-Zero* rows (scale none, K = 0) equal CFG rows', async () => {
  const base = { model, gammas: [1.5], seeds: [0], n: 6, steps: 2, sampler: 'euler', batchSize: 6, reference: { n: 16 } };
  const spec1 = (method: string, params: Record<string, unknown>) => parseSpec({ ...base, methods: [{ method, params }] });
  assert.throws(() => spec1('apg', { eta: 2 }), /apg: eta must be a number ≥ 0, ≤ 1; got 2/);
  assert.throws(() => spec1('fdg', { band: 1 }), /unknown fdg parameter "band"; fdg parameters: interval, lowRatio, levels/);
  assert.throws(() => parseSpec({ ...base, gammas: [2], methods: [{ method: 'cfgpp' }] }), /cfgpp: gamma must be a number ≥ 0, ≤ 1; got 2/);
  const spec = parseSpec({
    ...base,
    methods: [
      { method: 'cfg' },
      { method: 'cfg-zero', params: { zeroSteps: 0, scale: 'none' } },
      { method: 'apg', params: { beta: -0.5, r: 0 } },
    ],
  });
  const { rows } = await runSweep(spec, options(join(dir, 'sweep')));
  const by = (m: string) => rows.find((r) => r.point.method === m)!;
  assert.deepEqual(by('cfg-zero').metrics, by('cfg').metrics);
  assert.notDeepEqual(by('apg').metrics, by('cfg').metrics);
});

test('the CLI: --param sets a combining method\'s parameters, bad values are named, CFG++ asks for Euler', () => {
  assert.deepEqual(methodOptions({ method: 'apg', gamma: 2, param: ['eta=0.5', 'r=0', 'beta=0'] }), { gamma: 2, eta: 0.5, r: 0, beta: 0 });
  const zero = methodOptions({ method: 'cfg-zero', gamma: 1, param: ['prediction=eps', 'zeroSteps=2'] });
  assert.deepEqual(zero, { gamma: 1, prediction: 'eps', zeroSteps: 2 });
  assert.throws(() => methodOptions({ method: 'fdg', gamma: 1, param: ['levels=1'] }), /--param levels must be an integer ≥ 2; got "1"/);
  const env = { ...process.env, GUIDANCE_LAB_BACKEND: testBackend() };
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env });
  const out = join(dir, 'apg.png');
  const sampleCli = (...args: string[]) => cli('sample', '--model', model, '--n', '2', '--steps', '2', '--out', out, ...args);
  const r = sampleCli('--method', 'apg', '--gamma', '2', '--param', 'eta=0');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(pngSize(readFileSync(out)).width > 2 * 32);
  const heun = sampleCli('--method', 'cfgpp', '--gamma', '0.5', '--sampler', 'heun');
  assert.match(heun.stderr, /cfgpp supports the sampler euler; got "heun"/);
  const euler = sampleCli('--method', 'cfgpp', '--gamma', '0.5', '--sampler', 'euler');
  assert.equal(euler.status, 0, euler.stderr);
  const list = cli('methods', 'apg');
  assert.match(list.stdout, /\| `beta` \| a number \| -0\.75 \| > -1, < 1 \| --param beta=… \|/);
});
