export type { FeatureInput } from './feature-matrix';
export { featureStats, frechetDistance, frechetTo, fid } from './fid';
export type { FeatureStats, FidResult, FidOptions } from './fid';
export { kid } from './kid';
export { precisionRecall } from './precision-recall';
export type { PrecisionRecall } from './precision-recall';
export { classAccuracy } from './accuracy';
export * from './classifier';
export * from './stats';
