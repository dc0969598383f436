/**
 * Reference feature statistics of a data set split under a classifier, cached as JSON in
 * `data/reference-stats/<dataset>-<split>-<digest12>.json` and tied to the classifier's digest.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadDataset, splitDataset, toTensor } from '../../data';
import { featureStats, type FeatureStats } from '../fid';
import type { Classifier } from './classifier';
import { CLASSIFIER_SPLIT } from './train';

/** Where the cached statistics live (relative to the package root, from `src/` or `dist/`). */
export const REFERENCE_STATS_DIR = join(__dirname, '..', '..', '..', 'data', 'reference-stats');
export const REFERENCE_SPLITS = ['heldOut', 'train'] as const;
/** A split of `splitDataset(ds, CLASSIFIER_SPLIT)`. */
export type ReferenceSplit = (typeof REFERENCE_SPLITS)[number];

/** A cache file's contents. */
export interface ReferenceStatsFile {
  dataset: string;
  split: ReferenceSplit;
  splitSpec: typeof CLASSIFIER_SPLIT;
  classifierDigest: string;
  stats: FeatureStats;
}

/** Images per feature pass, to bound memory. */
const CHUNK = 1000;

/**
 * Returns the classifier features' statistics `{mu [F], sigma [F, F], n}` over `split` of `dataset`
 * (a `loadDataset` name or idx folder): read from the cache, or computed and written there. Throws
 * when the cache was written for another classifier digest.
 */
export async function referenceStats(
  dataset: string,
  split: ReferenceSplit,
  classifier: Pick<Classifier, 'digest' | 'features'>,
  options: { dir?: string } = {},
): Promise<FeatureStats> {
  if (!(REFERENCE_SPLITS as readonly string[]).includes(split))
    throw new Error(`unknown split "${split}"; splits: ${REFERENCE_SPLITS.join(', ')}`);
  const dir = options.dir ?? REFERENCE_STATS_DIR;
  const key = basename(dataset).replace(/[^\w.-]/g, '_');
  const file = join(dir, `${key}-${split}-${classifier.digest.slice(0, 12)}.json`);
  if (existsSync(file)) return readCache(file, { dataset, split, classifierDigest: classifier.digest });

  const ds = await loadDataset(dataset);
  const indices = splitDataset(ds, CLASSIFIER_SPLIT)[split];
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < indices.length; start += CHUNK) {
    const { images, labels } = toTensor(ds, indices.subarray(start, start + CHUNK));
    parts.push(classifier.features(images));
    tf.dispose([images, labels]);
  }
  const features = tf.concat(parts, 0);
  const stats = featureStats(features);
  tf.dispose([features, ...parts]);

  const content: ReferenceStatsFile = { dataset, split, splitSpec: CLASSIFIER_SPLIT, classifierDigest: classifier.digest, stats };
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(content));
  await rename(tmp, file);
  return stats;
}

async function readCache(file: string, want: Pick<ReferenceStatsFile, 'dataset' | 'split' | 'classifierDigest'>): Promise<FeatureStats> {
  const content = JSON.parse(await readFile(file, 'utf8')) as ReferenceStatsFile;
  for (const field of ['classifierDigest', 'dataset', 'split'] as const) {
    if (content[field] !== want[field]) {
      throw new Error(
        `${file}: cached statistics were written for ${field} ${JSON.stringify(content[field])}, not ${JSON.stringify(want[field])}; delete the file to recompute, or use the classifier it was written for`,
      );
    }
  }
  return content.stats;
}
