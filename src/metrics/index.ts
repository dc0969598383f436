export type { FeatureInput } from './feature-matrix';
export { featureStats, frechetDistance, frechetTo, fid } from './fid';
export type { FeatureStats, FidResult, FidOptions } from './fid';
export { kid, kidStratified } from './kid';
export { precisionRecall } from './precision-recall';
export type { PrecisionRecall } from './precision-recall';
export { classAccuracy } from './accuracy';
export * from './classifier';
export {
  classifierFeaturizer,
  classifierSource,
  featureRows,
  featurizerLogits,
  loadFeaturizer,
  rowsDigest,
  rowsNdarray,
} from './featurizer';
export type { FeatureRows, Featurizer, FeaturizerSource } from './featurizer';
export { METRICS, measureSamples } from './measure';
export type { MeasureReference, MeasureSpace, MetricName, SampleMetrics } from './measure';
export * from './autoencoder';
export { denoisingErrors } from './denoising-error';
export * from './stats';
