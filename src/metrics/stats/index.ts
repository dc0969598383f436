/** Statistics that rank: bootstrap intervals, paired differences, the real-vs-real floor, FID∞, balanced precision/recall. */
export type { SampleRows, SampleRun, RunPool } from './runs';
export { poolRuns, checkPaired, checkSameSpace } from './runs';
export { hierarchicalWeights, resampleWeights, quantile } from './resample';
export type { MetricDirection, WeightedStatistic, TaggedStats, TaggedRows } from './statistics';
export { meanStatistic, fidStatistic, kidStatistic, weightedStats, METRIC_DIRECTIONS } from './statistics';
export type { BootstrapOptions, Interval, PairedDifference, ResampleScheme, Verdict } from './bootstrap';
export { bootstrapInterval, pairedDifference, verdict, DEFAULT_RESAMPLES } from './bootstrap';
export type { Floor } from './floor';
export { balancedFloor, realVsReal } from './floor';
export type { InverseNFit, FidInfinity } from './fid-infinity';
export { extrapolateInverseN, fidInfinity } from './fid-infinity';
export type { BalancedPrecisionRecall } from './balanced-pr';
export { balancedPrecisionRecall } from './balanced-pr';
