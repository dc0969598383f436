/**
 * 2D Fourier analysis of images and maps with `fft.js` (radix-4): numpy-compatible fft2/ifft2
 * (forward unnormalised, inverse divided by h·w), fftshift, log-magnitude and radially averaged
 * power spectra, and radial high-/low-pass filtering. Sizes must be powers of two (fft.js); other
 * sizes are refused, never padded silently.
 */
import FFT from 'fft.js';
import ndarray = require('ndarray');
import { ArrayInput, toFloat64Ndarray } from './ndarray';

/** A complex 2D array as two float64 ndarrays `[h, w]`. */
export interface ComplexNdArray {
  re: ndarray.NdArray<Float64Array>;
  im: ndarray.NdArray<Float64Array>;
}

export const PASS_BANDS = ['high', 'low'] as const;
export type PassBand = (typeof PASS_BANDS)[number];

/** Returns the unnormalised 2D DFT `[h, w]` of a real image `[h, w]` (numpy.fft.fft2). */
export function fft2(image: ArrayInput): ComplexNdArray {
  const x = asImage(image, 'fft2');
  return transform2d(x.data, new Float64Array(x.size), x.shape[0], x.shape[1], false);
}

/** Returns the inverse 2D DFT `[h, w]` (numpy.fft.ifft2: divided by h·w). */
export function ifft2(spectrum: ComplexNdArray): ComplexNdArray {
  const re = asImage(spectrum.re, 'ifft2');
  const im = asImage(spectrum.im, 'ifft2');
  if (re.shape[0] !== im.shape[0] || re.shape[1] !== im.shape[1]) {
    throw new Error(`ifft2: real part [${re.shape.join(', ')}] and imaginary part [${im.shape.join(', ')}] differ in shape`);
  }
  return transform2d(re.data, im.data, re.shape[0], re.shape[1], true);
}

/** Returns `a` `[h, w]` with the zero frequency moved to the centre (h/2, w/2); its own inverse for even sizes. */
export function fftshift(a: ArrayInput): ndarray.NdArray<Float64Array> {
  const x = toFloat64Ndarray(a);
  if (x.dimension !== 2) throw new Error(`fftshift takes a 2D array [h, w]; got shape [${x.shape.join(', ')}]`);
  const [h, w] = x.shape;
  const out = new Float64Array(h * w);
  const dy = Math.floor(h / 2);
  const dx = Math.floor(w / 2);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) out[((y + dy) % h) * w + ((xx + dx) % w)] = x.data[y * w + xx];
  }
  return ndarray(out, [h, w]);
}

/** Returns log(1 + |F|) of the centred spectrum `[h, w]` of an image `[h, w]`. */
export function logMagnitudeSpectrum(image: ArrayInput): ndarray.NdArray<Float64Array> {
  const { re, im } = fft2(image);
  const mag = re.data.map((r, i) => Math.log1p(Math.hypot(r, im.data[i])));
  return fftshift(ndarray(mag, re.shape.slice()));
}

/**
 * Returns the radially averaged power spectrum, length min(h, w)/2 + 1: entry i is the mean of
 * |F|² over centred bins whose distance d to (h/2, w/2) has floor(d + 0.5) = i.
 */
export function radialPowerSpectrum(image: ArrayInput): Float64Array {
  const { re, im } = fft2(image);
  const power = fftshift(
    ndarray(
      re.data.map((r, i) => r * r + im.data[i] * im.data[i]),
      re.shape.slice(),
    ),
  );
  const [h, w] = power.shape;
  const bins = Math.min(h, w) / 2 + 1;
  const sum = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const bin = Math.floor(Math.hypot(y - h / 2, x - w / 2) + 0.5);
      if (bin < bins) {
        sum[bin] += power.data[y * w + x];
        count[bin] += 1;
      }
    }
  }
  return sum.map((s, i) => s / count[i]);
}

/**
 * Returns a centred radial mask `[h, w]` of 0/1: with r the distance to (h/2, w/2) in units of the
 * Nyquist radius (h/2 vertically, w/2 horizontally), `high` keeps r > cutoff and `low` keeps r ≤ cutoff.
 */
export function radialMask(shape: [number, number], cutoff: number, band: PassBand): ndarray.NdArray<Float64Array> {
  if (!(PASS_BANDS as readonly string[]).includes(band)) throw new Error(`unknown pass band "${band}"; bands: ${PASS_BANDS.join(', ')}`);
  if (!Number.isFinite(cutoff) || cutoff < 0) throw new Error(`cutoff must be a finite number ≥ 0 (relative to Nyquist); got ${cutoff}`);
  const [h, w] = shape;
  checkPowerOfTwo(h, w, 'radialMask');
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r2 = ((y - h / 2) / (h / 2)) ** 2 + ((x - w / 2) / (w / 2)) ** 2;
      out[y * w + x] = r2 > cutoff * cutoff === (band === 'high') ? 1 : 0;
    }
  }
  return ndarray(out, [h, w]);
}

/** Returns the real image `[h, w]` whose centred spectrum is the image's times `mask` `[h, w]`. */
export function filterWithMask(image: ArrayInput, mask: ArrayInput): ndarray.NdArray<Float64Array> {
  const { re, im } = fft2(image);
  const m = fftshift(mask); // fftshift is its own inverse for the even sizes fft2 accepts
  if (m.shape[0] !== re.shape[0] || m.shape[1] !== re.shape[1]) {
    throw new Error(`mask [${m.shape.join(', ')}] does not match image [${re.shape.join(', ')}]`);
  }
  const shape = re.shape.slice();
  const masked = {
    re: ndarray(
      re.data.map((v, i) => v * m.data[i]),
      shape,
    ),
    im: ndarray(
      im.data.map((v, i) => v * m.data[i]),
      shape,
    ),
  };
  return ifft2(masked).re;
}

const plans = new Map<number, FFT>();

function plan(n: number): FFT {
  let p = plans.get(n);
  if (!p) {
    p = new FFT(n);
    plans.set(n, p);
  }
  return p;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

function checkPowerOfTwo(h: number, w: number, fn: string): void {
  if (!isPowerOfTwo(h) || !isPowerOfTwo(w)) {
    const up = (n: number) => 2 ** Math.max(1, Math.ceil(Math.log2(Math.max(n, 1))));
    throw new Error(`${fn} needs power-of-two sizes ≥ 2 (fft.js); got [${h}, ${w}]: pad or resize to [${up(h)}, ${up(w)}]`);
  }
}

function asImage(a: ArrayInput, fn: string): ndarray.NdArray<Float64Array> {
  const x = toFloat64Ndarray(a);
  if (x.dimension !== 2) throw new Error(`${fn} takes a 2D array [h, w]; got shape [${x.shape.join(', ')}]`);
  checkPowerOfTwo(x.shape[0], x.shape[1], fn);
  return x;
}

/** Row transforms then column transforms, on interleaved complex buffers. */
function transform2d(re: Float64Array, im: Float64Array, h: number, w: number, inverse: boolean): ComplexNdArray {
  const outRe = new Float64Array(h * w);
  const outIm = new Float64Array(h * w);
  const pass = (n: number, count: number, at: (line: number, k: number) => number, src: [Float64Array, Float64Array]) => {
    const f = plan(n);
    const input = new Float64Array(2 * n);
    const output = new Float64Array(2 * n);
    for (let line = 0; line < count; line++) {
      for (let k = 0; k < n; k++) {
        input[2 * k] = src[0][at(line, k)];
        input[2 * k + 1] = src[1][at(line, k)];
      }
      if (inverse) f.inverseTransform(output, input);
      else f.transform(output, input);
      for (let k = 0; k < n; k++) {
        outRe[at(line, k)] = output[2 * k];
        outIm[at(line, k)] = output[2 * k + 1];
      }
    }
  };
  pass(w, h, (row, k) => row * w + k, [re, im]);
  pass(h, w, (col, k) => k * w + col, [outRe, outIm]);
  return { re: ndarray(outRe, [h, w]), im: ndarray(outIm, [h, w]) };
}
