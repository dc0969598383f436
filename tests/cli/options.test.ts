import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capWorkers, integer, interval, nameList, number, numberList, oneOf, plainName } from '../../src/cli/options';
import { methodOptions } from '../../src/cli/sample';
import { shipName } from '../../src/cli/ship';

test('numbers: anything but a finite decimal in range is refused, echoing the raw text, the flag and what is allowed', () => {
  const lr = number('--lr', { above: 0 });
  assert.equal(lr('2e-4'), 2e-4);
  assert.equal(lr('.5'), 0.5);
  for (const bad of ['abc', '', ' ', '-1', '0', 'Infinity', 'NaN', '0x10', '1,5', '1e400']) {
    assert.throws(() => lr(bad), { message: `--lr must be a finite number > 0; got "${bad}"` });
  }
  const gamma = number('--gamma');
  assert.equal(gamma('-0.5'), -0.5);
  assert.throws(() => gamma(''), { message: '--gamma must be a finite number; got ""' });
  assert.throws(() => number('--label-dropout', { min: 0, below: 1 })('1'), {
    message: '--label-dropout must be a finite number in [0, 1); got "1"',
  });
  assert.throws(() => number('--save-every', { above: 0 })('-1'), { message: '--save-every must be a finite number > 0; got "-1"' });
});

test('integers: --seed 0 is accepted (the API default); fractions, negatives and blanks are refused', () => {
  const seed = integer('--seed', { min: 0 });
  assert.equal(seed('0'), 0);
  assert.equal(seed('42'), 42);
  for (const bad of ['-1', '2.5', '', 'one']) assert.throws(() => seed(bad), { message: `--seed must be an integer ≥ 0; got "${bad}"` });
  assert.throws(() => integer('--batch', { min: 1 })('0'), { message: '--batch must be an integer ≥ 1; got "0"' });
});

test('lists: empty items and bad numbers are named within the list; names are exact', () => {
  const budgets = numberList('--budgets', { min: 1 }, true);
  assert.deepEqual(budgets('1000,3000'), [1000, 3000]);
  assert.throws(
    () => budgets('1000,,3000'),
    /--budgets must be a comma-separated list of integers ≥ 1 without empty items; got "1000,,3000"/,
  );
  assert.throws(() => budgets('1000,x'), {
    message: '--budgets must be a comma-separated list of integers ≥ 1; "x" in "1000,x" is not one',
  });
  assert.deepEqual(nameList('--layers')('mid.attn,up.1.attn'), ['mid.attn', 'up.1.attn']);
  assert.throws(() => nameList('--layers')(''), /--layers must be a comma-separated list of names without empty items; got ""/);
  assert.deepEqual(interval('--interval')('0.5,inf'), [0.5, Infinity]);
  for (const bad of ['1', '2,1', '1,1', '-1,2', 'a,b', '1,2,3'])
    assert.throws(() => interval('--interval')(bad), new RegExp(`--interval must be two numbers lo,hi with 0 ≤ lo < hi.*got "${bad}"`));
  assert.throws(() => oneOf('--sampler', ['heun', 'euler'])('ddim'), { message: '--sampler must be one of heun, euler; got "ddim"' });
});

test('options that do not apply to the chosen method are refused, and missing models are named', () => {
  assert.deepEqual(methodOptions({ method: 'pag', gamma: 2, layers: ['mid.attn', 'up.1.attn'] }), {
    gamma: 2,
    layers: ['mid.attn', 'up.1.attn'],
  });
  assert.deepEqual(methodOptions({ method: 'sag', layers: ['mid.attn'] }), { layer: 'mid.attn' });
  assert.deepEqual(methodOptions({}), {});
  assert.throws(() => methodOptions({ gamma: 2 }), /--gamma sets an option of --method, and no --method is given/);
  assert.throws(() => methodOptions({ method: 'cfg', layers: ['mid.attn'] }), {
    message: '--layers does not apply to cfg; cfg takes --gamma, --interval',
  });
  assert.throws(
    () => methodOptions({ method: 'sag', layers: ['mid.attn', 'up.1.attn'] }),
    /--layers: sag reads one layer \(its mask\); got 2: "mid.attn,up.1.attn"/,
  );
  assert.throws(
    () => methodOptions({ method: 'pag', guide: 'x' }),
    /--guide does not apply to pag; pag takes --gamma, --layers, --interval/,
  );
  assert.throws(() => methodOptions({ method: 'autoguidance', gamma: 1 }), /autoguidance needs --guide <model>/);
  assert.throws(() => methodOptions({ method: 'sims', gamma: 1 }), /sims needs --negative <model>/);
  assert.throws(
    () => methodOptions({ method: 'icg', negative: 'x' }),
    /--negative does not apply to icg; icg takes --gamma, --variant, --interval/,
  );
});

test('--workers above the core count warns and is capped; ship names are plain file names', () => {
  const warnings: string[] = [];
  assert.equal(
    capWorkers(100, '--workers', 2, (l) => warnings.push(l)),
    2,
  );
  assert.equal(
    capWorkers(2, '--workers', 2, (l) => warnings.push(l)),
    2,
  );
  assert.deepEqual(warnings, ['warning: --workers 100 is more than the 2 cores of this machine; using 2\n']);
  assert.equal(shipName('mnist-unet-main'), 'mnist-unet-main');
  for (const bad of ['', '../x', 'a/b', '..', '.hidden', 'a..b', 'x.safetensors', 'a b'])
    assert.throws(() => shipName(bad), new RegExp(`--name must .*got "${bad.replace(/\./g, '\\.')}"`));
  assert.equal(plainName('m-1.5_x', '--name'), 'm-1.5_x');
});
