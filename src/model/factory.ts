/**
 * Builds a denoiser from its config, and the configs of the shipped models.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Denoiser, ModelConfig } from './denoiser';
import { DitNetwork } from './dit';
import { MlpNetwork } from './mlp';
import { UnetNetwork } from './unet';

/**
 * Returns a freshly initialised denoiser for `config` (parameters drawn from `seed`). A config that fails
 * part-way (e.g. heads that do not divide the width) frees the variables already made before it throws.
 */
export function createDenoiser(config: ModelConfig, seed = 0): Denoiser {
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    return build(config, seed);
  } catch (e) {
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) v.dispose();
    throw e;
  }
}

function build(config: ModelConfig, seed: number): Denoiser {
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
