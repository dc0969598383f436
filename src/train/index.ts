export { train, DEFAULT_TRAIN, runFiles, snapshotTag, stateDenoiser } from './trainer';
export type { TrainOptions } from './trainer';
export {
  trainAutoencoder,
  DEFAULT_AUTOENCODER_TRAIN,
  autoencoderRunFiles,
  autoencoderLearningRate,
  autoencoderBatch,
  reconstructionLoss,
} from './autoencoder';
export type { AutoencoderTrainOptions } from './autoencoder';
export { edmLoss, edmWeight, EDM_LOSS } from './loss';
export type { LossOptions } from './loss';
export { PowerEma, sigmaRelToGamma } from './ema';
export { Progress, duration } from '../runtime/progress';
