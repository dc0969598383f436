import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelEnv } from '../../src/jupyter/kernel-env';

test('kernelEnv: each of n kernels gets cores ÷ n TensorFlow threads (at least one), a user setting wins, the rest passes through', () => {
  const env = { GUIDANCE_LAB_SIZE: 'full' };
  assert.deepEqual(kernelEnv(env, 2, 2), { GUIDANCE_LAB_SIZE: 'full', TF_NUM_INTRAOP_THREADS: '1' });
  assert.equal(kernelEnv(env, 1, 2).TF_NUM_INTRAOP_THREADS, '2');
  assert.equal(kernelEnv(env, 3, 8).TF_NUM_INTRAOP_THREADS, '2');
  assert.equal(kernelEnv(env, 4, 2).TF_NUM_INTRAOP_THREADS, '1');
  assert.equal(kernelEnv({ TF_NUM_INTRAOP_THREADS: '6' }, 2, 2).TF_NUM_INTRAOP_THREADS, '6');
  assert.equal(env.GUIDANCE_LAB_SIZE, 'full', 'the caller’s object is not changed');
  assert.equal('TF_NUM_INTRAOP_THREADS' in env, false);
});
