/**
 * Result rows on disk: each guidance notebook writes the rows behind its figures, with the sizes
 * they were measured at, to `figures/<notebook>/rows.json`, so numbers can be read without
 * re-running anything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommonSizes } from './sizes';

/**
 * JSON has no ∞ or NaN: they are written as the strings "Infinity", "-Infinity", "NaN" instead of a silent null. A row's
 * per-sample record (`samples`, ≈ 87 kB) is left out: the study's points folder keeps it, under the row's `key`.
 */
function finiteOrName(key: string, value: unknown): unknown {
  if (key === 'samples' && typeof value === 'object' && value !== null && 'features' in value) return undefined;
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Writes `{ sizes, rows: groups }` to `path` (folders created; one row per line, per-sample records left out) and returns the path. */
export function saveRows(path: string, sizes: CommonSizes, groups: Record<string, readonly object[]>): string {
  mkdirSync(dirname(path), { recursive: true });
  const body = Object.entries(groups)
    .map(
      ([name, rows]) => `    ${JSON.stringify(name)}: [\n${rows.map((r) => `      ${JSON.stringify(r, finiteOrName)}`).join(',\n')}\n    ]`,
    )
    .join(',\n');
  writeFileSync(path, `{\n  "sizes": ${JSON.stringify(sizes, finiteOrName)},\n  "rows": {\n${body}\n  }\n}\n`);
  return path;
}
