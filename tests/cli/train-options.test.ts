import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positiveInt, positiveNumber } from '../../src/cli/train';

test('train options: --max-minutes and the integer options refuse what is not a positive number, naming the option and the value', () => {
  assert.equal(positiveNumber('1.5', '--max-minutes'), 1.5);
  for (const bad of ['abc', '0', '-2', 'Infinity', '']) assert.throws(() => positiveNumber(bad, '--max-minutes'), new RegExp(`--max-minutes must be a number > 0; got "${bad}"`));
  assert.equal(positiveInt('32', '--batch'), 32);
  assert.throws(() => positiveInt('2.5', '--batch'), /--batch must be a positive integer; got "2.5"/);
});
