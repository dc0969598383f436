export { Denoiser, NULL_LABEL, SIGMA_DATA, preconditioning, classOneHot } from './denoiser';
export type { ModelConfig, DitConfig, UnetConfig, MlpConfig, Conditioning, ForwardOptions, Network } from './denoiser';
export { createDenoiser } from './factory';
export { Autoencoder, DEFAULT_AUTOENCODER_CONFIG } from './autoencoder';
export type { AutoencoderConfig } from './autoencoder';
export { PRESETS, preset } from './presets';
export { loadModel, saveModel } from './io';
export type { LoadedModel } from './io';
export { Params, Scope } from './params';
export type { Init } from './params';
export {
  attentionProbs,
  defaultProcessor,
  captureProcessor,
  identityProcessor,
  queryMapProcessor,
  temperatureProcessor,
  permutedOutputProcessor,
  runBinding,
  asBinding,
} from './attention/processors';
export { runBlock, skipBlock } from './blocks';
export type { BlockHook, BlockHookBinding, BlockHookMap, BlockInfo } from './blocks';
export type { AttentionLayerInfo, AttentionProcessor, ProcessorBinding, ProcessorMap } from './attention/processors';
export * from './checkpoint';
export { CHECKPOINT_DIR, shippedModels, shippedPath, loadShipped } from './shipped';
