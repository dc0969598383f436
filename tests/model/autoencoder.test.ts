import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Autoencoder, DEFAULT_AUTOENCODER_CONFIG, type AutoencoderConfig } from '../../src/model/autoencoder';
import { testBackend } from '../test-backend';

const SMALL: AutoencoderConfig = { arch: 'conv-autoencoder', imageSize: 16, channels: 1, widths: [4, 8], bottleneck: 6 };

describe('feature autoencoder network', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('maps images [n, 32, 32, 1] to codes [n, 64] and back to [n, 32, 32, 1] without leaking tensors', () => {
    const ae = new Autoencoder(DEFAULT_AUTOENCODER_CONFIG, 3);
    const x = tf.randomUniform([5, 32, 32, 1], -1, 1) as tf.Tensor4D;
    const count0 = tf.memory().numTensors;
    const code = ae.encode(x);
    const y = ae.reconstruct(x);
    assert.deepEqual(code.shape, [5, 64]);
    assert.deepEqual(y.shape, [5, 32, 32, 1]);
    // reconstruct is decode ∘ encode
    const z = ae.decode(code);
    assert.deepEqual(Array.from(z.dataSync()), Array.from(y.dataSync()));
    tf.dispose([code, y, z]);
    assert.equal(tf.memory().numTensors, count0);
    x.dispose();
    ae.params.dispose();
  });

  it('is a function of its seed: the same seed gives the same weights, another seed others', () => {
    const [a, b, c] = [new Autoencoder(SMALL, 1), new Autoencoder(SMALL, 1), new Autoencoder(SMALL, 2)];
    const flat = (ae: Autoencoder) => Object.values(ae.params.snapshot()).flatMap((t) => Array.from(t.data));
    assert.deepEqual(flat(a), flat(b));
    assert.notDeepEqual(flat(a), flat(c));
    // 2 encoder levels, the two code maps, 1 inner decoder level and the output convolution, each with weight and bias
    assert.equal(a.params.vars.size, 2 * (2 + 2 + 1 + 1));
    assert.deepEqual(a.params.vars.get('enc.to_code.weight')?.shape, [4 * 4 * 8, 6]);
    for (const ae of [a, b, c]) ae.params.dispose();
  });

  it('refuses images of another size and codes of another width, naming both', () => {
    const ae = new Autoencoder(SMALL, 0);
    const x = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
    assert.throws(() => ae.encode(x), /images are 32×32×1, it takes 16×16×1/);
    const code = tf.zeros([1, 5]) as tf.Tensor2D;
    assert.throws(() => ae.decode(code), /codes have 5 columns, the bottleneck is 6/);
    tf.dispose([x, code]);
    ae.params.dispose();
  });

  it('refuses a size its poolings cannot divide, and empty or fractional widths', () => {
    assert.throws(() => new Autoencoder({ ...SMALL, imageSize: 18 }), /imageSize 18 must be a multiple of 4/);
    assert.throws(() => new Autoencoder({ ...SMALL, widths: [] }), /widths must be one or more positive integers; got \[\]/);
    assert.throws(() => new Autoencoder({ ...SMALL, bottleneck: 2.5 }), /bottleneck must be a positive integer; got 2.5/);
  });
});
