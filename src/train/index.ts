export { train, DEFAULT_TRAIN, runFiles, snapshotTag, stateDenoiser } from './trainer';
export type { TrainOptions } from './trainer';
export { edmLoss, edmWeight, EDM_LOSS } from './loss';
export type { LossOptions } from './loss';
export { PowerEma, sigmaRelToGamma } from './ema';
export { Progress, duration } from '../runtime/progress';
