import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import {
  blurKernelSize,
  degrade,
  gaussianBlur,
  gaussianKernel,
  gaussianKernelSize,
  highFrequencyMask,
  maskedBlur,
  randomMask,
  removeHighFrequencies,
  squareMask,
} from '../../src/analysis/filters';
import ref from '../reference/gaussian.json';
import { testBackend } from '../test-backend';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Returns fn()'s tensor, checking that the call left exactly that one new tensor (no leaks). */
function call<T extends tf.Tensor>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const out = fn();
  assert.equal(tf.memory().numTensors, before + 1, 'the call leaked tensors');
  return out;
}

/** An image [1, h, w, 1] from a formula. */
function image(h: number, w: number, f: (y: number, x: number) => number): tf.Tensor4D {
  return tf.tensor4d(
    Float32Array.from({ length: h * w }, (_, i) => f(Math.floor(i / w), i % w)),
    [1, h, w, 1],
  );
}

describe('filters', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('SEG Gaussian kernel sizes and weights match gaussian.json', () => {
    for (const k of ref.kernels) {
      assert.equal(gaussianKernelSize(k.sigma), k.kernel_size, `σ = ${k.sigma}`);
      assert.ok(maxAbsDiff(gaussianKernel(k.sigma), k.kernel) < 1e-12);
    }
  });

  it('blur with reflect padding and the size clamp matches gaussian.json blurs (float32: 1e-5)', () => {
    for (const b of ref.blurs) {
      assert.equal(blurKernelSize(b.sigma, 16, 16), b.kernel_size_used, `σ = ${b.sigma}`);
      tf.tidy(() => {
        const map = tf.tensor4d(ref.map.flat(), [1, 16, 16, 1]);
        const out = call(() => gaussianBlur(map, b.sigma));
        assert.ok(maxAbsDiff(out.dataSync(), b.blurred.flat()) < 1e-5, `σ = ${b.sigma}`);
      });
    }
  });

  it('blur keeps constants and, on c + cos(πk₁y/(h−1))·cos(πk₂x/(w−1)) with odd k, equals the closed form and preserves the mean', () => {
    // Reflect padding extends this image exactly as its own formula (period 2(n−1), even about 0 and n−1),
    // so the blur scales the cosine by the kernel's cosine sum; with odd k its mean over the grid is 0.
    const [h, w, k1, k2, c, sigma] = [16, 32, 3, 5, 0.7, 1.5];
    const g = gaussianKernel(sigma);
    const half = (g.length - 1) / 2;
    const gain = (k: number, n: number) => g.reduce((s, v, t) => s + v * Math.cos((Math.PI * k * (t - half)) / (n - 1)), 0);
    const wave = (y: number, x: number) => Math.cos((Math.PI * k1 * y) / (h - 1)) * Math.cos((Math.PI * k2 * x) / (w - 1));
    tf.tidy(() => {
      const img = image(h, w, (y, x) => c + wave(y, x));
      const out = call(() => gaussianBlur(img, sigma));
      const expected = Float32Array.from({ length: h * w }, (_, i) => c + gain(k1, h) * gain(k2, w) * wave(Math.floor(i / w), i % w));
      assert.ok(maxAbsDiff(out.dataSync(), expected) < 1e-5);
      assert.ok(Math.abs(out.mean().dataSync()[0] - c) < 1e-5);
      const flat = tf.fill([2, 8, 8, 3], -0.25) as tf.Tensor4D;
      const flatOut = call(() => gaussianBlur(flat, 2));
      assert.ok(maxAbsDiff(flatOut.dataSync(), new Float32Array(2 * 8 * 8 * 3).fill(-0.25)) < 1e-6);
    });
  });

  it('blurs each image and channel independently', () => {
    tf.tidy(() => {
      const map = tf.tensor4d(ref.map.flat(), [1, 16, 16, 1]);
      const stacked = tf.concat([tf.concat([map, map.mul(2)], 3), tf.concat([map.neg(), map], 3)], 0) as tf.Tensor4D; // [2, 16, 16, 2]
      const out = call(() => gaussianBlur(stacked, 1)).dataSync();
      const one = ref.blurs[1].blurred.flat();
      const pick = (img: number, ch: number) => Array.from({ length: 256 }, (_, p) => out[img * 512 + p * 2 + ch]);
      assert.ok(
        maxAbsDiff(
          pick(0, 1),
          one.map((v) => 2 * v),
        ) < 1e-5,
      );
      assert.ok(
        maxAbsDiff(
          pick(1, 0),
          one.map((v) => -v),
        ) < 1e-5,
      );
    });
  });

  it('masked blur: blurred where mask = 1, original where mask = 0', () => {
    tf.tidy(() => {
      const map = tf.tensor4d(ref.map.flat(), [1, 16, 16, 1]);
      const mask = tf.tensor3d(
        Float32Array.from({ length: 256 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
        [1, 16, 16],
      );
      const out = call(() => maskedBlur(map, mask, 2)).dataSync();
      const blurred = ref.blurs[2].blurred.flat();
      const original = ref.map.flat();
      const expected = original.map((v, i) => (i % 3 === 0 ? blurred[i] : v));
      assert.ok(maxAbsDiff(out, expected) < 1e-5);
    });
  });

  it('high-frequency removal keeps cosines inside the cutoff and removes those outside (exactly)', () => {
    tf.tidy(() => {
      const low = (y: number, x: number) => Math.cos((2 * Math.PI * 2 * x) / 32) + 0.5 * Math.sin((2 * Math.PI * 3 * y) / 32);
      const img = image(32, 32, (y, x) => 0.3 + low(y, x) + Math.cos((2 * Math.PI * 12 * y) / 32));
      const two = tf.concat([img, img.mul(-1)], 3) as tf.Tensor4D; // [1, 32, 32, 2]
      const out = call(() => removeHighFrequencies(two, 0.5)).dataSync(); // radii 2/16, 3/16 kept; 12/16 removed
      const expected = Float32Array.from(
        { length: 2048 },
        (_, i) => (i % 2 ? -1 : 1) * (0.3 + low(Math.floor(i / 64), Math.floor(i / 2) % 32)),
      );
      assert.ok(maxAbsDiff(out, expected) < 1e-5);
    });
  });

  it('high-frequency mask: the pixels the blur changes more than on average (reference blur), empty on a constant image', () => {
    tf.tidy(() => {
      const map = tf.tensor4d(ref.map.flat(), [1, 16, 16, 1]);
      const blurred = ref.blurs[1].blurred.flat();
      const original = ref.map.flat();
      const detail = original.map((v, i) => Math.abs(blurred[i] - v));
      const meanDetail = detail.reduce((a, b) => a + b, 0) / detail.length;
      const want = detail.map((d) => (d > meanDetail ? 1 : 0));
      const got = Array.from(call(() => highFrequencyMask(map, ref.blurs[1].sigma)).dataSync());
      assert.ok(want.some((v) => v === 1) && want.some((v) => v === 0), 'the reference map has both kinds of region');
      assert.deepEqual(got, want);
      const constant = tf.fill([2, 8, 8, 1], 0.3) as tf.Tensor4D;
      const flat = call(() => highFrequencyMask(constant, 1));
      assert.deepEqual(flat.shape, [2, 8, 8]);
      assert.equal(flat.sum().dataSync()[0], 0);
    });
  });

  it('random mask: exactly round(fraction·h·w) ones per image, reproducible from (seed, image index)', () => {
    const a = randomMask([3, 8, 8], 0.3, 7);
    const b = randomMask([4, 8, 8], 0.3, 7);
    const c = randomMask([3, 8, 8], 0.3, 8);
    const av = a.dataSync();
    for (let i = 0; i < 3; i++)
      assert.equal(
        Array.from(av.subarray(i * 64, (i + 1) * 64)).reduce((s, v) => s + v, 0),
        19,
      );
    assert.deepEqual(Array.from(b.dataSync().subarray(0, 192)), Array.from(av));
    assert.notDeepEqual(Array.from(c.dataSync()), Array.from(av));
    assert.notDeepEqual(Array.from(av.subarray(0, 64)), Array.from(av.subarray(64, 128)));
    tf.dispose([a, b, c]);
  });

  it('square mask: one side×side block of ones per image', () => {
    const m = squareMask([5, 8, 12], 3, 1);
    const v = m.dataSync();
    for (let i = 0; i < 5; i++) {
      const ones = [];
      for (let p = 0; p < 96; p++) if (v[i * 96 + p] === 1) ones.push([Math.floor(p / 12), p % 12]);
      assert.equal(ones.length, 9);
      const [y0, x0] = ones[0];
      assert.deepEqual(
        ones,
        [0, 1, 2].flatMap((dy) => [0, 1, 2].map((dx) => [y0 + dy, x0 + dx])),
      );
    }
    m.dispose();
  });

  it('degrade dispatches each ablation strategy to its filter', () => {
    tf.tidy(() => {
      const img = tf.tensor4d(ref.map.flat(), [1, 16, 16, 1]);
      const global = call(() => degrade(img, { kind: 'global-blur', sigma: 1 }));
      assert.ok(maxAbsDiff(global.dataSync(), ref.blurs[1].blurred.flat()) < 1e-5);
      const mask = randomMask([1, 16, 16], 0.5, 3);
      const viaMask = call(() => maskedBlur(img, mask, 1));
      const random = call(() => degrade(img, { kind: 'random-mask', fraction: 0.5, sigma: 1, seed: 3 }));
      assert.deepEqual(Array.from(random.dataSync()), Array.from(viaMask.dataSync()));
      const hfMask = call(() => tf.tidy(() => maskedBlur(img, highFrequencyMask(img, 1), 1)));
      const hfBlur = call(() => degrade(img, { kind: 'high-frequency-mask', sigma: 1 }));
      assert.deepEqual(Array.from(hfBlur.dataSync()), Array.from(hfMask.dataSync()));
      const square = call(() => degrade(img, { kind: 'square-mask', side: 4, sigma: 1, seed: 3 }));
      const original = Float32Array.from(ref.map.flat());
      const changed = Array.from(square.dataSync()).reduce((k, v, i) => k + (v !== original[i] ? 1 : 0), 0);
      assert.equal(changed, 16, 'only the 4×4 square is blurred');
      const hf = call(() => degrade(img, { kind: 'fft-low-pass', cutoff: 1.5 })); // every bin is within 1.5·Nyquist
      assert.ok(maxAbsDiff(hf.dataSync(), ref.map.flat()) < 1e-5);
    });
  });

  it('rejects bad inputs with the bad value and the allowed ones', () => {
    const img = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    const flat = tf.zeros([8, 8]);
    for (const s of [0, -1, NaN, Infinity])
      assert.throws(() => gaussianBlur(img, s), new RegExp(`σ must be a finite number > 0; got ${s}`));
    assert.throws(() => gaussianKernel(1, 4.5), /kernel size must be a positive integer; got 4.5/);
    for (const k of [4, 17, 0])
      assert.throws(
        () => gaussianBlur(img, 1, k),
        new RegExp(`kernel size must be an odd integer in \\[1, 15\\] for 8×8 images \\(reflect padding\\); got ${k}`),
      );
    assert.throws(() => gaussianBlur(flat as tf.Tensor4D, 1), /gaussianBlur takes NHWC images \[n, h, w, c\]; got shape \[8, 8\]/);
    assert.throws(() => maskedBlur(img, flat, 1), /mask \[1, 8, 8\] or \[1, 8, 8, 1\] for images \[1, 8, 8, 1\]; got \[8, 8\]/);
    assert.throws(() => randomMask([1, 8, 8], 1.5, 0), /fraction must be in \[0, 1\]; got 1.5/);
    assert.throws(() => squareMask([1, 8, 6], 7, 0), /square side must be an integer in \[1, 6\]; got 7/);
    assert.throws(
      () => highFrequencyMask(flat as tf.Tensor4D, 1),
      /highFrequencyMask takes NHWC images \[n, h, w, c\]; got shape \[8, 8\]/,
    );
    assert.throws(
      () => removeHighFrequencies(tf.zeros([1, 12, 12, 1]) as tf.Tensor4D, 0.5),
      /power-of-two sizes ≥ 2 \(fft\.js\); got \[12, 12\]/,
    );
    assert.throws(
      () => degrade(img, { kind: 'dino' } as never),
      /unknown degradation "dino"; kinds: global-blur, fft-low-pass, high-frequency-mask, random-mask, square-mask/,
    );
    tf.dispose([img, flat]);
  });
});
