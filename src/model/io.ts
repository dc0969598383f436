/**
 * Denoisers to and from checkpoint files: weights as safetensors, the model config and training
 * record in the header, the file's sha256 as the model's identity.
 */
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import type { Dtype, TensorData } from './checkpoint';
import { Denoiser, ModelConfig } from './denoiser';
import { createDenoiser } from './factory';

/** A denoiser loaded from a file, with where it came from. */
export interface LoadedModel {
  model: Denoiser;
  path: string;
  digest: string;
  training: Record<string, unknown>;
}

/** Writes `weights` (by parameter name) of a model with `config` to `path`; returns the digest. */
export async function saveModel(
  path: string,
  config: ModelConfig,
  weights: Record<string, TensorData>,
  training: Record<string, unknown>,
  dtype: Dtype = 'F16',
): Promise<string> {
  const { digest } = await saveCheckpoint(path, weights, { config: config as unknown as Record<string, unknown>, training }, { dtype });
  return digest;
}

/**
 * Loads the denoiser stored at `path`; `expect` (an architecture or part of a config) refuses
 * checkpoints of another kind with a clear error. A checkpoint that does not fit leaves no tensor behind.
 */
export async function loadModel(path: string, expect: Partial<ModelConfig> = {}): Promise<LoadedModel> {
  const ck = await loadCheckpoint(path);
  const config = ck.metadata.config as unknown as ModelConfig;
  if (!config || !['dit', 'unet', 'mlp'].includes(config.arch)) {
    throw new Error(
      `${path}: not a guidance-lab model checkpoint (config.arch is ${JSON.stringify((config as { arch?: unknown } | undefined)?.arch)}; expected "dit", "unet" or "mlp")`,
    );
  }
  for (const [k, v] of Object.entries(expect)) {
    const got = (config as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(got) !== JSON.stringify(v))
      throw new Error(`${path}: checkpoint has ${k} = ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`);
  }
  const model = createDenoiser(config, 0);
  try {
    model.net.params.load(ck.tensors, path);
  } catch (e) {
    model.net.params.dispose();
    throw e;
  }
  return { model, path, digest: ck.digest, training: (ck.metadata.training ?? {}) as Record<string, unknown> };
}
