import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lossFlags } from '../../src/cli/train';
import { EDM_LOSS } from '../../src/train/loss';

test('train options: the reproducing command names exactly the loss options that differ from the EDM defaults', () => {
  assert.equal(lossFlags(EDM_LOSS), '');
  assert.equal(lossFlags({ ...EDM_LOSS, pMean: -0.4 }), ' --p-mean -0.4');
  assert.equal(lossFlags({ pMean: -0.4, pStd: 1.6, labelDropout: 0.1 }), ' --p-mean -0.4 --p-std 1.6 --label-dropout 0.1');
});
