export {
  tensorToNdarray,
  ndarrayToTensor,
  ndarrayToFloat32Array,
  ndarrayToFloat64Array,
  float32ArrayToNdarray,
  toFloat64Ndarray,
} from './ndarray';
export type { ArrayInput } from './ndarray';
export { applySeparable, axisMap, clampIndex, reflectIndex } from './separable';
export type { AxisMap, Tap } from './separable';
export { RESAMPLE_METHODS, interpolationMatrix, resizeMaps, resizeImages } from './resample';
export type { ResampleMethod, ResampleOptions } from './resample';
export { PASS_BANDS, fft2, ifft2, fftshift, logMagnitudeSpectrum, radialPowerSpectrum, radialMask, filterWithMask } from './fft';
export type { ComplexNdArray, PassBand } from './fft';
export {
  DEGRADATIONS,
  gaussianKernelSize,
  gaussianKernel,
  blurKernelSize,
  gaussianBlur,
  maskedBlur,
  removeHighFrequencies,
  highFrequencyMask,
  randomMask,
  squareMask,
  degrade,
} from './filters';
export type { Degradation } from './filters';
export { sagMask } from './sag-mask';
export * from './attention-maps';
export * from './guidance-vectors';
