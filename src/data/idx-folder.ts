/**
 * Data sets stored as a folder of idx files: `<part>-images-idx3-ubyte[.gz]` with
 * `<part>-labels-idx1-ubyte[.gz]` (a "." may replace the "-" before "idx"), e.g. train and t10k.
 */
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { datasetFromBytes, type Dataset } from './dataset';
import { readIdxFile } from './idx';

const IMAGE_FILE = /^(.+)-images[.-]idx3-ubyte(\.gz)?$/;
const LABEL_FILE = /^(.+)-labels[.-]idx1-ubyte(\.gz)?$/;

/** Returns the parts found in `dir`: part name → image and label file paths. */
export async function findIdxParts(dir: string): Promise<Map<string, { images: string; labels: string }>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new Error(`${dir}: cannot list idx folder (${(e as Error).message})`);
  }
  const images = new Map<string, string>();
  const labels = new Map<string, string>();
  for (const name of names.sort()) {
    const img = IMAGE_FILE.exec(name);
    const lab = LABEL_FILE.exec(name);
    if (img) images.set(img[1], join(dir, name));
    if (lab) labels.set(lab[1], join(dir, name));
  }
  const parts = new Map<string, { images: string; labels: string }>();
  for (const [part, imagePath] of images) {
    const labelPath = labels.get(part);
    if (!labelPath) throw new Error(`${imagePath}: no matching labels file; expected ${join(dir, `${part}-labels-idx1-ubyte[.gz]`)}`);
    parts.set(part, { images: imagePath, labels: labelPath });
  }
  if (parts.size === 0) throw new Error(`${dir}: no idx data found; expected <part>-images-idx3-ubyte[.gz] and <part>-labels-idx1-ubyte[.gz]`);
  return parts;
}

/**
 * Returns one part of the idx folder `dir` as a Dataset (default: "train" when present, else the
 * only part); 28×28 images only. `name` defaults to the folder's name, with ":<part>" unless "train".
 */
export async function loadIdxFolder(dir: string, options: { part?: string; name?: string; classNames?: string[] } = {}): Promise<Dataset> {
  const parts = await findIdxParts(dir);
  const available = [...parts.keys()];
  const part = options.part ?? (parts.has('train') ? 'train' : available.length === 1 ? available[0] : undefined);
  const files = part === undefined ? undefined : parts.get(part);
  if (part === undefined || files === undefined) {
    throw new Error(`${dir}: ${part === undefined ? 'several parts and none is "train"' : `no part "${part}"`}; choose one of ${available.join(', ')}`);
  }
  const [images, labels] = await Promise.all([readIdxFile(files.images, 3), readIdxFile(files.labels, 1)]);
  const [n, h, w] = images.shape;
  if (h !== 28 || w !== 28) throw new Error(`${files.images}: expected 28×28 images, got ${h}×${w}`);
  if (labels.shape[0] !== n) throw new Error(`${files.labels}: ${labels.shape[0]} labels but ${files.images} has ${n} images; expected equal counts`);
  const base = options.name ?? basename(resolve(dir));
  return datasetFromBytes(part === 'train' ? base : `${base}:${part}`, images.data, labels.data, files.labels, options.classNames);
}
