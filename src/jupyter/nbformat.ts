import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** nbformat stores long text either as one string or as a list of lines that keep their `\n`. */
export type MultilineString = string | string[];
/** A MIME bundle: text types as (multiline) strings, JSON types as objects, images as base64 strings. */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: MultilineString;
  metadata: Record<string, unknown>;
  id?: string;
  outputs?: Output[];
  execution_count?: number | null;
}
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Returns `text` as one string, joining nbformat's list-of-lines form. */
export function joinText(text: MultilineString): string {
  return Array.isArray(text) ? text.join('') : text;
}

/** Returns `text` split into lines that keep their line ends, as nbformat writes it. */
function splitLines(text: MultilineString): string[] {
  return joinText(text).match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Returns `data` with text MIME types split into lines (JSON types and base64 images stay as they are). */
function splitBundle(data: MimeBundle): MimeBundle {
  const split = (mime: string, value: unknown): unknown =>
    typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml' || mime === 'application/javascript')
      ? splitLines(value)
      : value;
  return Object.fromEntries(Object.entries(data).map(([mime, value]) => [mime, split(mime, value)]));
}

/** Returns `output` in the on-disk form nbformat writes. */
function outputForDisk(output: Output): Output {
  if (output.output_type === 'stream') return { ...output, text: splitLines(output.text) };
  if (output.output_type === 'error') return output;
  return { ...output, data: splitBundle(output.data) };
}

/** Returns a copy of `value` whose object keys are sorted, as Jupyter's writer sorts them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/** Returns the notebook at `path`; throws naming the file when it is missing or not an nbformat 4 notebook. */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read notebook "${path}": ${(err as Error).message}`);
  }
  let nb: Partial<Notebook>;
  try {
    nb = JSON.parse(text) as Partial<Notebook>;
  } catch (err) {
    throw new Error(`notebook "${path}" is not JSON: ${(err as Error).message}`);
  }
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`notebook "${path}" is not nbformat 4 (nbformat: ${String(nb.nbformat)}); only version 4 is supported`);
  }
  return nb as Notebook;
}

/** Writes `nb` to `path` (its folder created) the way Jupyter does (sorted keys, one-space indent, sources and text split into lines). */
export async function writeNotebook(path: string, nb: Notebook): Promise<void> {
  const cells = nb.cells.map((cell) => {
    const source = splitLines(cell.source);
    return cell.outputs ? { ...cell, source, outputs: cell.outputs.map(outputForDisk) } : { ...cell, source };
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(sortKeys({ ...nb, cells }), null, 1) + '\n');
}
