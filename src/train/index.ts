export { train, DEFAULT_TRAIN, runFiles, snapshotTag } from './trainer';
export type { TrainOptions } from './trainer';
export { edmLoss, EDM_LOSS } from './loss';
export type { LossOptions } from './loss';
export { PowerEma, sigmaRelToGamma } from './ema';
export { Progress, duration } from './progress';
