export { DEFAULT_AUTOENCODER_PATH, autoencoderFeatures, autoencoderFeaturizer, autoencoderSource, loadAutoencoder } from './load';
export type { LoadedAutoencoder } from './load';
export { imageErrors, reconstructionErrors } from './reconstruction';
export type { ReconstructionErrors } from './reconstruction';
