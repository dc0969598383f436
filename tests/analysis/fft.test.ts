import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ndarray from 'ndarray';
import { fft2, fftshift, filterWithMask, ifft2, logMagnitudeSpectrum, radialMask, radialPowerSpectrum } from '../../src/analysis/fft';
import ref from '../reference/fft.json';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const image = ref.image;
const scale = Math.max(...ref.re.flat().map(Math.abs), ...ref.im.flat().map(Math.abs)); // ≈ 522

describe('fft (numpy fft2 semantics, fft.js)', () => {
  it('fft2 matches numpy.fft.fft2 of the formula image (float64: 1e-9 relative to the largest bin)', () => {
    const { re, im } = fft2(image);
    assert.deepEqual(re.shape, [32, 32]);
    assert.ok(maxAbsDiff(re.data, ref.re.flat()) < 1e-9 * scale);
    assert.ok(maxAbsDiff(im.data, ref.im.flat()) < 1e-9 * scale);
  });

  it('ifft2(fft2(x)) = x and Parseval: Σ|x|² = Σ|X|² / (h·w), also on a non-square image', () => {
    const rect = Array.from({ length: 8 }, (_, y) => Array.from({ length: 16 }, (_, x) => Math.sin(x * 1.3 + y * y) + 0.1 * x));
    for (const img of [image, rect]) {
      const f = fft2(img);
      const back = ifft2(f);
      assert.ok(maxAbsDiff(back.re.data, img.flat()) < 1e-12);
      assert.ok(maxAbsDiff(back.im.data, new Float64Array(back.im.size)) < 1e-12);
      const energy = img.flat().reduce((s, v) => s + v * v, 0);
      const spectral = f.re.data.reduce((s, v, i) => s + v * v + f.im.data[i] ** 2, 0) / f.re.size;
      assert.ok(Math.abs(energy - spectral) < 1e-10 * energy);
    }
  });

  it('fftshift moves bin (0, 0) to (h/2, w/2) and is its own inverse for even sizes', () => {
    const a = ndarray(
      Float64Array.from({ length: 8 * 4 }, (_, i) => i),
      [8, 4],
    );
    const s = fftshift(a);
    assert.equal(s.get(4, 2), 0);
    assert.equal(s.get(0, 0), a.get(4, 2));
    assert.deepEqual(Array.from(fftshift(s).data), Array.from(a.data));
  });

  it('radial power spectrum matches fft.json (mean |shifted|² per integer-rounded distance bin)', () => {
    const radial = radialPowerSpectrum(image);
    assert.equal(radial.length, 17);
    for (let i = 0; i < 17; i++) assert.ok(Math.abs(radial[i] - ref.radial_power[i]) <= 1e-9 * ref.radial_power[i], `bin ${i}`);
  });

  it('high-pass filtering through a radial mask reproduces highpass_image', () => {
    const mask = radialMask([32, 32], ref.highpass_cutoff, 'high');
    assert.ok(maxAbsDiff(filterWithMask(image, mask).data, ref.highpass_image.flat()) < 1e-10);
  });

  it('low-pass and high-pass masks are complementary, so their filtered images sum to the image', () => {
    const low = radialMask([32, 32], 0.4, 'low');
    const high = radialMask([32, 32], 0.4, 'high');
    assert.ok(low.data.every((v, i) => v + high.data[i] === 1));
    assert.equal(low.get(16, 16), 1, 'the DC bin passes the low-pass');
    const highPassed = filterWithMask(image, high).data;
    const sum = filterWithMask(image, low).data.map((v, i) => v + highPassed[i]);
    assert.ok(maxAbsDiff(sum, image.flat()) < 1e-12);
  });

  it('log-magnitude spectrum is log(1 + |F|) centred', () => {
    const lm = logMagnitudeSpectrum(image);
    assert.ok(Math.abs(lm.get(16, 16) - Math.log1p(Math.abs(ref.re[0][0]))) < 1e-12);
    assert.ok(Math.abs(lm.get(16, 17) - Math.log1p(Math.hypot(ref.re[0][1], ref.im[0][1]))) < 1e-9);
  });

  it('rejects bad inputs with the bad value and the allowed ones', () => {
    const odd = Array.from({ length: 30 }, () => new Array<number>(30).fill(0));
    assert.throws(() => fft2(odd), /fft2 needs power-of-two sizes ≥ 2 \(fft\.js\); got \[30, 30\]: pad or resize to \[32, 32\]/);
    assert.throws(() => fft2([1, 2, 3, 4]), /fft2 takes a 2D array \[h, w\]; got shape \[4\]/);
    assert.throws(() => radialMask([32, 32], -0.1, 'high'), /cutoff must be a finite number ≥ 0 \(relative to Nyquist\); got -0.1/);
    assert.throws(() => radialMask([32, 32], 0.5, 'band' as never), /unknown pass band "band"; bands: high, low/);
    assert.throws(() => radialMask([24, 32], 0.5, 'low'), /radialMask needs power-of-two sizes ≥ 2 \(fft\.js\); got \[24, 32\]/);
    assert.throws(() => filterWithMask(image, radialMask([16, 16], 0.5, 'low')), /mask \[16, 16\] does not match image \[32, 32\]/);
    const f = fft2(image);
    assert.throws(
      () => ifft2({ re: f.re, im: ndarray(new Float64Array(64), [8, 8]) }),
      /real part \[32, 32\] and imaginary part \[8, 8\] differ/,
    );
  });
});
