/** Shared set-up for the sweep tests: a tiny saved DiT, a projection featurizer, a small spec. */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { saveModel } from '../../src/model/io';
import type { ModelConfig } from '../../src/model/denoiser';
import { parseSpec, type SweepOptions, type SweepSpec } from '../../src/experiments';
import type { FeaturizerSource } from '../../src/metrics';
import { Rng } from '../../src/random';
import { tinyModel } from '../guidance/helpers';
import type { ProjectionOptions } from './fake-featurizer';

export const TINY: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 };

/** Saves a tiny perturbed DiT (seeded) to `dir/name.safetensors`; returns the path. */
export async function saveTiny(dir: string, name = 'tiny', seed = 1): Promise<string> {
  const model = tinyModel(TINY, seed);
  const path = join(dir, `${name}.safetensors`);
  await saveModel(path, TINY, model.net.params.snapshot(), {}, 'F32');
  model.net.params.dispose();
  return path;
}

/** Returns the source of the projection featurizer with `o`. */
export function projection(o: ProjectionOptions = { dims: 12, seed: 3 }): FeaturizerSource {
  return { module: join(__dirname, 'fake-featurizer.ts'), exportName: 'projectionFeaturizer', arg: o };
}

/** Returns a small spec on `model`: cfg and pag (and a guide for autoguidance if given), γ 0 and 1, seeds 0 and 1. */
export function smallSpec(model: string, extra: Partial<Record<string, unknown>> = {}): SweepSpec {
  return parseSpec({
    model,
    methods: [{ method: 'cfg' }, { method: 'pag', params: { layers: ['blocks.0.attn'] } }],
    gammas: [0, 1],
    seeds: [0, 1],
    n: 6,
    steps: 2,
    sampler: 'euler',
    batchSize: 6,
    reference: { n: 16 },
    ...extra,
  });
}

/** Returns sweep options writing to `out` with the projection featurizer and 16 seeded noise images as reference. */
export function options(out: string, o: Partial<SweepOptions> = {}): SweepOptions {
  return {
    out,
    featurizer: projection(),
    referenceImages: () =>
      tf.tensor4d(
        new Rng(11).normals(16 * 32 * 32).map((v) => Math.tanh(v)),
        [16, 32, 32, 1],
      ),
    workers: 0,
    progress: false,
    ...o,
  };
}
