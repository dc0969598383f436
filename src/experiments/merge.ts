/** Joining the rows of several cache folders (shards run anywhere) into one list. */
import { canonicalJson } from './key';
import { mergeManifest, readManifest, readRows } from './cache';
import type { SweepRow } from './point';

/**
 * Returns the rows of all `dirs`, one per key, sorted by key. A key may appear in several folders
 * only with identical rows (timing aside: it differs run to run); the folders' manifests must
 * agree on the featurizer, reference and checkpoint digests.
 */
export function mergeRows(dirs: string[]): SweepRow[] {
  if (dirs.length === 0) throw new Error('merge: give at least one cache folder');
  dirs.reduce((have, dir) => mergeManifest(dir, have, readManifest(dir)), readManifest(dirs[0]));
  const byKey = new Map<string, { row: SweepRow; dir: string }>();
  for (const dir of dirs) {
    for (const row of readRows(dir)) {
      const seen = byKey.get(row.key);
      if (seen && content(seen.row) !== content(row)) {
        throw new Error(
          `merge: rows with key ${row.key.slice(0, 12)}… differ between ${seen.dir} and ${dir}: ${content(seen.row)} vs ${content(row)}`,
        );
      }
      if (!seen) byKey.set(row.key, { row, dir });
    }
  }
  return [...byKey.values()].map((e) => e.row).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function content(row: SweepRow): string {
  return canonicalJson({ ...row, timing: undefined });
}
