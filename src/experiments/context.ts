/**
 * Building a point context from plain data (model names, featurizer source, reference rows), the
 * same way in the main thread and in each worker thread.
 */
import { loadShipped } from '../model/shipped';
import type { Denoiser } from '../model/denoiser';
import type { FeatureStats } from '../metrics';
import type { BackendChoice } from '../backend';
import { FeatureRows, FeaturizerSource, loadFeaturizer } from '../metrics/featurizer';
import type { RowDigests } from './key';
import type { PointContext } from './point';

/** Everything a thread needs to run points, as structured-clonable data. */
export interface ContextSetup {
  backend: BackendChoice;
  /** Model names (shipped names or .safetensors paths) to load. */
  models: string[];
  featurizer: FeaturizerSource;
  reference: { rows: FeatureRows; stats: FeatureStats };
  digests: RowDigests;
  batchSize: number;
}

/** Returns the models loaded by name with their checkpoint digests. */
export async function loadModels(names: string[]): Promise<{ models: Record<string, Denoiser>; digests: Record<string, string> }> {
  const models: Record<string, Denoiser> = {};
  const digests: Record<string, string> = {};
  for (const name of names) {
    const loaded = await loadShipped(name);
    models[name] = loaded.model;
    digests[name] = loaded.digest;
  }
  return { models, digests };
}

/** Returns a point context built from `setup`; throws when a checkpoint's digest differs from the sweep's. */
export async function buildContext(setup: ContextSetup): Promise<PointContext> {
  const { models, digests } = await loadModels(setup.models);
  for (const [name, d] of Object.entries(digests)) {
    if (d !== setup.digests.models[name])
      throw new Error(
        `checkpoint "${name}" changed during the sweep (digest ${d.slice(0, 12)}…, expected ${setup.digests.models[name]?.slice(0, 12)}…)`,
      );
  }
  const featurizer = await loadFeaturizer(setup.featurizer);
  if (featurizer.digest !== setup.digests.featurizer)
    throw new Error(
      `featurizer digest ${featurizer.digest.slice(0, 12)}… differs from the sweep's ${setup.digests.featurizer.slice(0, 12)}…`,
    );
  return { models, featurizer, reference: setup.reference, digests: setup.digests, batchSize: setup.batchSize };
}
