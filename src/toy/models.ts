/**
 * The toy's learned denoisers: a strong point MLP and weaker versions of it (less capacity, less
 * training, both), trained deterministically by `shipToyModels` (`node --import tsx scripts/train-toy.ts`)
 * and shipped in `data/toy/` because the strong one takes minutes on the wasm backend.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Denoiser } from '../model/denoiser';
import { loadModel, saveModel } from '../model/io';
import type { GaussianMixture } from './mixture';
import { ToyModelSize, ToyTrainOptions, trainToyModel } from './train';

/** One shipped toy model: its name, size and training. */
export interface ToyModelSpec {
  name: string;
  /** What makes it weaker than `strong`, in words. */
  role: string;
  size: ToyModelSize;
  train: ToyTrainOptions;
}

/** The folder of the shipped toy models (works from src/ and dist/); GUIDANCE_LAB_TOY overrides it. */
export const TOY_DIR = process.env.GUIDANCE_LAB_TOY ?? join(__dirname, '..', '..', 'data', 'toy');

const TRAIN: ToyTrainOptions = { steps: 4000, batch: 256, lr: 3e-3, lrRef: 1000, emaSigmaRel: 0.1, seed: 1 };
const STRONG: ToyModelSize = { width: 64, depth: 3, embDim: 16 };
const SMALL: ToyModelSize = { width: 16, depth: 1, embDim: 16 };

/** The toy models: `strong`, and guides with less capacity (`small`), less training (`short`) or both (`weak`). */
export const TOY_MODELS: readonly ToyModelSpec[] = [
  { name: 'strong', role: 'the main model', size: STRONG, train: TRAIN },
  { name: 'small', role: 'less capacity (16 units, 1 layer), same training', size: SMALL, train: TRAIN },
  { name: 'short', role: 'same size, 1/8 of the training', size: STRONG, train: { ...TRAIN, steps: 500 } },
  { name: 'weak', role: 'less capacity and 1/4 of the training', size: SMALL, train: { ...TRAIN, steps: 1000 } },
];

/** A written toy model: its name, training time and file. */
export interface Shipped {
  name: string;
  seconds: number;
  path: string;
}

/** A loaded toy model and its training record. */
export interface LoadedToyModel {
  model: Denoiser;
  training: Record<string, unknown>;
}

/** Trains every spec on `mixture` and writes `<dir>/toy-<name>.safetensors` (F32); returns each name with its training seconds. */
export async function shipToyModels(
  mixture: GaussianMixture,
  dir = TOY_DIR,
  specs: readonly ToyModelSpec[] = TOY_MODELS,
): Promise<Shipped[]> {
  await mkdir(dir, { recursive: true });
  const out: Shipped[] = [];
  for (const spec of specs) {
    const t = trainToyModel(mixture, spec.size, spec.train);
    try {
      const weights = t.model.net.params.snapshot();
      const path = join(dir, `toy-${spec.name}.safetensors`);
      const lastLoss = t.losses[t.losses.length - 1][1];
      await saveModel(path, t.config, weights, { ...spec.train, role: spec.role, seconds: t.seconds, lastLoss }, 'F32');
      out.push({ name: spec.name, seconds: t.seconds, path });
    } finally {
      t.model.net.params.dispose();
    }
  }
  return out;
}

/** Returns the shipped toy models by name (each with its training record); throws naming the script when one is missing. */
export async function loadToyModels(
  dir = TOY_DIR,
  names: readonly string[] = TOY_MODELS.map((s) => s.name),
): Promise<Record<string, LoadedToyModel>> {
  const out: Record<string, LoadedToyModel> = {};
  for (const name of names) {
    const path = join(dir, `toy-${name}.safetensors`);
    if (!existsSync(path)) {
      for (const m of Object.values(out)) m.model.net.params.dispose();
      throw new Error(`no toy model "${name}" at ${path}; train them with: node --import tsx scripts/train-toy.ts`);
    }
    const loaded = await loadModel(path, { arch: 'mlp' });
    out[name] = { model: loaded.model, training: loaded.training };
  }
  return out;
}
