/**
 * Builds a denoiser from its config, and the configs of the shipped models.
 */
import { Denoiser, ModelConfig } from './denoiser';
import { DitNetwork } from './dit';
import { MlpNetwork } from './mlp';
import { UnetNetwork } from './unet';

/** Returns a freshly initialised denoiser for `config` (parameters drawn from `seed`). */
export function createDenoiser(config: ModelConfig, seed = 0): Denoiser {
  switch (config.arch) {
    case 'dit':
      return new Denoiser(new DitNetwork(config, seed));
    case 'unet':
      return new Denoiser(new UnetNetwork(config, seed));
    case 'mlp':
      return new Denoiser(new MlpNetwork(config, seed));
    default:
      throw new Error(`unknown architecture "${(config as { arch: string }).arch}"; architectures: dit, unet, mlp`);
  }
}
