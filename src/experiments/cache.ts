/**
 * A sweep's cache folder: `manifest.json` (the checkpoint, featurizer and reference digests it was
 * written with) and `rows/<key>.json`, one finished point each, written atomically so a killed
 * sweep leaves only whole rows.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RowDigests } from './key';
import type { SweepRow } from './point';

const MANIFEST = 'manifest.json';
const ROWS = 'rows';

/** The rows of one cache folder, keyed by point key. */
export class SweepCache {
  private constructor(readonly dir: string, readonly digests: RowDigests) {}

  /**
   * Returns the cache in `dir`, creating it for `digests`; throws when the folder was written
   * for another featurizer, reference set or checkpoint of the same model name.
   */
  static open(dir: string, digests: RowDigests): SweepCache {
    mkdirSync(join(dir, ROWS), { recursive: true });
    const file = join(dir, MANIFEST);
    const merged = existsSync(file) ? mergeManifest(file, readManifest(dir), digests) : digests;
    writeAtomic(file, JSON.stringify(merged, null, 2));
    return new SweepCache(dir, merged);
  }

  /** Returns whether the row `key` is finished. */
  has(key: string): boolean {
    return existsSync(this.rowPath(key));
  }

  /** Writes a finished row (atomically). */
  write(row: SweepRow): void {
    writeAtomic(this.rowPath(row.key), `${JSON.stringify(row, null, 2)}\n`);
  }

  /** Returns every finished row, sorted by key. */
  rows(): SweepRow[] {
    return readRows(this.dir);
  }

  private rowPath(key: string): string {
    return join(this.dir, ROWS, `${key}.json`);
  }
}

/** Returns the digests a cache folder was written with; throws when it is not a sweep cache. */
export function readManifest(dir: string): RowDigests {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) throw new Error(`${dir} is not a sweep cache (no ${MANIFEST})`);
  return JSON.parse(readFileSync(file, 'utf8')) as RowDigests;
}

/** Returns the finished rows of the cache folder `dir`, sorted by key. */
export function readRows(dir: string): SweepRow[] {
  readManifest(dir);
  return readdirSync(join(dir, ROWS))
    .filter((f) => f.endsWith('.json') && !f.includes('.tmp-'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, ROWS, f), 'utf8')) as SweepRow);
}

/** Returns `have` extended by `want`'s models; throws naming the field whose digest differs. */
export function mergeManifest(where: string, have: RowDigests, want: RowDigests): RowDigests {
  const refuse = (what: string, a: string, b: string) =>
    new Error(`${where}: this cache was written with ${what} ${short(a)}, not ${short(b)}; use another --out folder (rows are never reused across digests)`);
  if (have.featurizer !== want.featurizer) throw refuse('featurizer digest', have.featurizer, want.featurizer);
  if (have.reference !== want.reference) throw refuse('reference features digest', have.reference, want.reference);
  for (const [name, d] of Object.entries(want.models)) {
    if (have.models[name] !== undefined && have.models[name] !== d) throw refuse(`checkpoint "${name}" digest`, have.models[name], d);
  }
  return { ...have, models: { ...have.models, ...want.models } };
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function short(digest: string): string {
  return digest.length > 16 ? `${digest.slice(0, 16)}…` : digest;
}
