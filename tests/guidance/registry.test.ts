import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { cfg, guidanceTerm, methodNames, registerMethod, sample } from '../../src/guidance';
import { NULL_LABEL } from '../../src/model/denoiser';
import { loadModel } from '../../src/model/io';
import { expandGrid, parseSpec, runSweep } from '../../src/experiments';
import { methodOptions } from '../../src/cli/sample';
import { pngSize } from '../../src/viz/png';
import { options, saveTiny } from '../experiments/helpers';
import { BUILT_IN_METHODS } from '../../src/guidance/methods';
import { FIXED_LABEL_METHOD, fixedLabel } from './throwaway-method';
import { testBackend } from '../test-backend';

let dir = '';
let model = '';
let unregister: () => void = () => undefined;
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-registry-'));
  model = await saveTiny(dir);
  unregister = registerMethod(FIXED_LABEL_METHOD);
});
after(() => unregister());

test('a registered method is listed, built by name with its options checked, and refused twice', () => {
  // The built-in methods in their list's order, then the registered one (the list grows as methods are added).
  assert.deepEqual(methodNames().slice(0, 8), ['cfg', 'sag', 'pag', 'seg', 'autoguidance', 'icg', 'tsg', 'sims']);
  assert.deepEqual(methodNames(), [...BUILT_IN_METHODS.map((d) => d.name), 'fixed-label']);
  assert.equal(guidanceTerm('fixed-label', { gamma: 2, label: 3 }).gamma, 2);
  assert.throws(
    () => guidanceTerm('fixed-label', { gamma: 2, lable: 3 }),
    /fixed-label: unknown option "lable"; fixed-label options: gamma, interval, teacher, label/,
  );
  assert.throws(() => guidanceTerm('fixed-label', { gamma: 2, label: '3' }), /fixed-label: option label must be an integer; got "3"/);
  assert.throws(() => registerMethod(FIXED_LABEL_METHOD), /guidance method "fixed-label" is already registered/);
  assert.throws(() => registerMethod({ ...FIXED_LABEL_METHOD, name: 'Bad name' }), /method name "Bad name" must be lower case/);
});

test('sample with the registered method equals CFG when its teacher is the model and its label the null label', async () => {
  const { model: m } = await loadModel(model);
  const opts = { model: m, steps: 2, sampler: 'euler' as const, seed: 3, labels: [1, 4, 7] };
  const viaRegistry = await sample({ ...opts, guidance: [guidanceTerm('fixed-label', { gamma: 1.5, teacher: m })] });
  const viaCfg = await sample({ ...opts, guidance: [cfg({ gamma: 1.5 })] });
  const other = await sample({ ...opts, guidance: [fixedLabel({ gamma: 1.5, teacher: m, label: 2 })] });
  assert.deepEqual(Array.from(viaRegistry.dataSync()), Array.from(viaCfg.dataSync()));
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(other, viaCfg))).dataSync()[0]) > 1e-4, 'a different label changes the samples');
  tf.dispose([viaRegistry, viaCfg, other]);
  m.net.params.dispose();
});

test('a sweep spec takes the registered method, its model under its parameter name, and its rows equal CFG rows', async () => {
  const base = { model, gammas: [1], seeds: [0], n: 6, steps: 2, sampler: 'euler', batchSize: 6, reference: { n: 16 } };
  assert.throws(
    () => parseSpec({ ...base, methods: [{ method: 'fixed-label' }] }),
    /methods\[0\]\.teacher .*must be a non-empty string; got undefined/,
  );
  assert.throws(
    () => parseSpec({ ...base, methods: [{ method: 'fixed-label', teacher: model, params: { lable: 1 } }] }),
    /unknown fixed-label parameter "lable"; fixed-label parameters: interval, label/,
  );
  assert.throws(() => parseSpec({ ...base, methods: [{ method: 'cfg', teacher: model }] }), /cfg takes no "teacher" model/);
  const spec = parseSpec({
    ...base,
    methods: [{ method: 'cfg' }, { method: 'fixed-label', teacher: model, params: { label: NULL_LABEL } }],
  });
  assert.deepEqual(
    expandGrid(spec).map((p) => [p.method, p.teacher]),
    [
      ['cfg', undefined],
      ['fixed-label', model],
    ],
  );
  const { rows } = await runSweep(spec, options(join(dir, 'sweep')));
  const [viaCfg, viaRegistry] = ['cfg', 'fixed-label'].map((m) => rows.find((r) => r.point.method === m)!);
  assert.deepEqual(viaRegistry.metrics, viaCfg.metrics);
  assert.deepEqual(Object.keys(viaRegistry.digests.models), [model]);
});

test('the CLI lists the registered method, takes its flag and --param, and refuses its flag for another method', () => {
  assert.deepEqual(methodOptions({ method: 'fixed-label', label: 3, param: [`teacher=${model}`, 'gamma=2'] }), {
    label: 3,
    teacher: model,
    gamma: 2,
  });
  assert.throws(() => methodOptions({ method: 'fixed-label', gamma: 1 }), /fixed-label needs --param teacher=<model>/);
  assert.throws(
    () => methodOptions({ method: 'fixed-label', gamma: 1, param: ['gamma=2', `teacher=${model}`] }),
    /--param gamma: fixed-label's gamma is given twice/,
  );
  assert.throws(() => methodOptions({ method: 'cfg', label: 3 }), {
    message: '--label does not apply to cfg; cfg takes --gamma, --interval',
  });
  assert.throws(
    () => methodOptions({ method: 'cfg', param: ['label=3'] }),
    /--param: cfg has no parameter "label"; cfg parameters: gamma, interval/,
  );
  assert.throws(() => methodOptions({ method: 'sag', param: ['mask=x'] }), /--param mask: a function cannot be given on the command line/);
  assert.throws(() => methodOptions({ method: 'tsg', param: ['s=-1'] }), /--param s must be a finite number ≥ 0; got "-1"/);

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'cli-with-throwaway.ts'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, GUIDANCE_LAB_BACKEND: testBackend() },
    });
  const list = cli('methods');
  assert.equal(list.status, 0, list.stderr);
  assert.match(
    list.stdout,
    /\| `fixed-label` \| negative = a teacher model given one fixed label \| none \(a test of the registry\) \| `gamma` ≥ 0 \(required\), `interval`, `teacher` \(required\), `label` ≥ -1 \(default -1\) \|/,
  );
  const params = cli('methods', 'fixed-label');
  assert.match(
    params.stdout,
    /\| `label` \| an integer \| -1 \| ≥ -1 \| --label, --param label=… \| the label every negative row gets \(-1: the null label\) \|/,
  );
  const out = join(dir, 'fixed.png');
  const r = cli(
    'sample',
    '--model',
    model,
    '--method',
    'fixed-label',
    '--gamma',
    '1',
    '--label',
    '3',
    '--param',
    `teacher=${model}`,
    '--n',
    '2',
    '--steps',
    '1',
    '--out',
    out,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(pngSize(readFileSync(out)).width > 2 * 32);
  const wrong = cli('sample', '--model', model, '--method', 'pag', '--label', '3', '--n', '1', '--steps', '1', '--out', out);
  assert.match(wrong.stderr, /--label does not apply to pag; pag takes --gamma, --layers, --interval/);
});
