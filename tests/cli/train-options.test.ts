import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finiteNumber, lossFlags, positiveInt, positiveNumber, probability } from '../../src/cli/train';
import { EDM_LOSS } from '../../src/train/loss';

test('train options: --max-minutes and the integer options refuse what is not a positive number, naming the option and the value', () => {
  assert.equal(positiveNumber('1.5', '--max-minutes'), 1.5);
  for (const bad of ['abc', '0', '-2', 'Infinity', '']) assert.throws(() => positiveNumber(bad, '--max-minutes'), new RegExp(`--max-minutes must be a number > 0; got "${bad}"`));
  assert.equal(positiveInt('32', '--batch'), 32);
  assert.throws(() => positiveInt('2.5', '--batch'), /--batch must be a positive integer; got "2.5"/);
});

test('train options: the loss options refuse values outside their range, naming the option and the value', () => {
  assert.equal(finiteNumber('-0.4', '--p-mean'), -0.4);
  for (const bad of ['abc', '', 'Infinity']) assert.throws(() => finiteNumber(bad, '--p-mean'), new RegExp(`--p-mean must be a finite number; got "${bad}"`));
  assert.equal(probability('0', '--label-dropout'), 0);
  assert.equal(probability('0.1', '--label-dropout'), 0.1);
  for (const bad of ['1', '-0.1', 'x', '']) assert.throws(() => probability(bad, '--label-dropout'), new RegExp(`--label-dropout must be a number in \\[0, 1\\); got "${bad}"`));
});

test('train options: the reproducing command names exactly the loss options that differ from the EDM defaults', () => {
  assert.equal(lossFlags(EDM_LOSS), '');
  assert.equal(lossFlags({ ...EDM_LOSS, pMean: -0.4 }), ' --p-mean -0.4');
  assert.equal(lossFlags({ pMean: -0.4, pStd: 1.6, labelDropout: 0.1 }), ' --p-mean -0.4 --p-std 1.6 --label-dropout 0.1');
});
