/**
 * Building a point context from plain data (model names, featurizer sources, reference rows), the
 * same way in the main thread and in each worker thread.
 */
import { loadShipped } from '../model/shipped';
import type { Denoiser } from '../model/denoiser';
import type { FeatureStats } from '../metrics';
import type { BackendChoice } from '../backend';
import { FeatureRows, Featurizer, FeaturizerSource, loadFeaturizer } from '../metrics/featurizer';
import type { RowDigests } from './key';
import type { PointContext } from './point';

/** Everything a thread needs to run points, as structured-clonable data. */
export interface ContextSetup {
  backend: BackendChoice;
  /** Model names (shipped names or .safetensors paths) to load. */
  models: string[];
  featurizer: FeaturizerSource;
  reference: { rows: FeatureRows; stats: FeatureStats };
  /** The second feature space (the feature autoencoder's): its featurizer's source and the reference's features in it. */
  second?: { featurizer: FeaturizerSource; reference: { rows: FeatureRows; stats: FeatureStats } };
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

/** Returns a point context built from `setup`; throws when a checkpoint's or featurizer's digest differs from the sweep's. */
export async function buildContext(setup: ContextSetup): Promise<PointContext> {
  const { models, digests } = await loadModels(setup.models);
  for (const [name, d] of Object.entries(digests)) {
    if (d !== setup.digests.models[name])
      throw new Error(
        `checkpoint "${name}" changed during the sweep (digest ${d.slice(0, 12)}…, expected ${setup.digests.models[name]?.slice(0, 12)}…)`,
      );
  }
  const featurizer = await checkedFeaturizer(setup.featurizer, setup.digests.featurizer, 'featurizer');
  const second = setup.second && {
    featurizer: await checkedFeaturizer(setup.second.featurizer, setup.digests.second?.featurizer, 'second-space (autoencoder) featurizer'),
    reference: setup.second.reference,
  };
  return { models, featurizer, reference: setup.reference, ...(second && { second }), digests: setup.digests, batchSize: setup.batchSize };
}

/** Returns the featurizer `source` builds; throws, naming `what`, when its digest is not `expected` (the sweep's). */
async function checkedFeaturizer(source: FeaturizerSource, expected: string | undefined, what: string): Promise<Featurizer> {
  const featurizer = await loadFeaturizer(source);
  if (featurizer.digest !== expected) {
    const sweeps = expected === undefined ? 'none' : `${expected.slice(0, 12)}…`;
    throw new Error(`${what} digest ${featurizer.digest.slice(0, 12)}… differs from the sweep's ${sweeps}`);
  }
  return featurizer;
}
