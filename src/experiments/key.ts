/** Cache keys: a sha256 of a point with the digests of what it was computed with. */
import { createHash } from 'node:crypto';
import { SweepPoint, pointModels } from './grid';

/** What besides the point determines a row: checkpoint digests by model name, featurizer and reference digests. */
export interface RowDigests {
  models: Record<string, string>;
  featurizer: string;
  reference: string;
  /** The second feature space's (the feature autoencoder's) featurizer and reference digests; absent when not measured there. */
  second?: SpaceDigests;
}

/** A feature space's identity: its featurizer's digest and the digest of the reference rows in it. */
export interface SpaceDigests {
  featurizer: string;
  reference: string;
}

/** Returns JSON with object keys sorted at every level (the same value always gives the same text). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Returns the digests a point's row depends on: only the checkpoints the point uses. */
export function pointDigests(point: SweepPoint, digests: RowDigests): RowDigests {
  const models = Object.fromEntries(
    pointModels(point).map((m) => {
      if (digests.models[m] === undefined)
        throw new Error(`no checkpoint digest for model "${m}"; known: ${Object.keys(digests.models).join(', ')}`);
      return [m, digests.models[m]];
    }),
  );
  return { ...digests, models };
}

/** Returns the hex sha256 cache key of `point` computed with `digests` (only the point's own checkpoints count). */
export function pointKey(point: SweepPoint, digests: RowDigests): string {
  return createHash('sha256')
    .update(canonicalJson({ point, digests: pointDigests(point, digests) }))
    .digest('hex');
}
