/**
 * At which size a study's figures were made. Two markers, written by the same run that writes the
 * figures: `figures/<study>/rows.json` (its `sizes.size`, guidance notebooks 03–09 only) and the
 * saved outputs of `notebooks/<study>.ipynb`, whose first code cell prints `size <name>, backend …`
 * (every notebook). A study whose markers disagree is an error; one without any is `unknown`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinText, type Cell } from '../jupyter/nbformat';
import type { SizeName } from '../notebook/sizes';

/** A study's size and the markers it was read from (file: value). */
export interface StudySize {
  size: SizeName | 'unknown';
  evidence: string[];
  /** The measured sizes of rows.json (samples, sampler, steps), when present. */
  measured: { samples: number; sampler: string; steps: number } | null;
}

const SIZE_LINE = /^size (\S+), backend/m;

/** Throws unless `value` is a known size name; returns it. */
function sizeName(file: string, value: unknown): SizeName {
  if (value !== 'smoke' && value !== 'full') throw new Error(`${file}: size is ${JSON.stringify(value)}; sizes: smoke, full`);
  return value;
}

/** Returns the size and measured sizes written in a rows.json file (`{ sizes: { size, samples, … }, rows }`). */
export function rowsSize(file: string): { size: SizeName; measured: StudySize['measured'] } {
  let parsed: { sizes?: { size?: unknown; samples?: unknown; sampler?: unknown; steps?: unknown } };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${(e as Error).message})`);
  }
  const s = parsed.sizes;
  if (!s) throw new Error(`${file}: has no "sizes" field; rows.json files are written by saveRows with the sizes they were measured at`);
  const measured =
    typeof s.samples === 'number' && typeof s.steps === 'number' && typeof s.sampler === 'string'
      ? { samples: s.samples, sampler: s.sampler, steps: s.steps }
      : null;
  return { size: sizeName(file, s.size), measured };
}

/** Returns the size printed in a notebook's saved stream outputs (`size full, backend …`), or null when none is printed. */
export function notebookSize(file: string): SizeName | null {
  let cellsOf: Cell[];
  try {
    cellsOf = (JSON.parse(readFileSync(file, 'utf8')) as { cells?: Cell[] }).cells ?? [];
  } catch (e) {
    throw new Error(`${file}: not a readable notebook (${(e as Error).message})`);
  }
  const found = new Set<SizeName>();
  for (const cell of cellsOf) {
    for (const out of cell.cell_type === 'code' ? (cell.outputs ?? []) : []) {
      if (out.output_type !== 'stream') continue;
      const m = SIZE_LINE.exec(joinText(out.text));
      if (m) found.add(sizeName(file, m[1]));
    }
  }
  if (found.size > 1) throw new Error(`${file}: its outputs print several sizes (${[...found].join(', ')}); re-run it at one size`);
  return found.size === 1 ? [...found][0] : null;
}

/** Returns the size of study `id` from its rows.json in `figuresDir` and its notebook in `notebooksDir`; throws when they disagree. */
export function studySize(id: string, figuresDir: string, notebooksDir: string): StudySize {
  const evidence: string[] = [];
  const sizes = new Set<SizeName>();
  let measured: StudySize['measured'] = null;
  const rowsFile = join(figuresDir, id, 'rows.json');
  if (existsSync(rowsFile)) {
    const r = rowsSize(rowsFile);
    measured = r.measured;
    sizes.add(r.size);
    evidence.push(`${rowsFile}: ${r.size}`);
  }
  const notebookFile = join(notebooksDir, `${id}.ipynb`);
  if (existsSync(notebookFile)) {
    const n = notebookSize(notebookFile);
    if (n) {
      sizes.add(n);
      evidence.push(`${notebookFile}: ${n}`);
    }
  }
  if (sizes.size > 1) throw new Error(`study ${id}: its size markers disagree (${evidence.join('; ')}); re-run its notebook`);
  return { size: sizes.size === 1 ? [...sizes][0] : 'unknown', evidence, measured };
}
