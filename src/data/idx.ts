/**
 * The idx format of MNIST-style data sets: magic 0x0000 TT DD (TT = 0x08 for unsigned bytes,
 * DD = number of dimensions), DD big-endian u32 sizes, then the values. Files ending in .gz are
 * gunzipped first.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/** An unsigned-byte idx array: its shape and its values in row-major order. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

const UBYTE = 0x08; // the only element type MNIST-style files use

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** Returns the shape and values of idx bytes with `dims` dimensions; errors name `path`. */
export function parseIdx(bytes: Uint8Array, dims: number, path: string): IdxArray {
  const magic = (UBYTE << 8) | dims;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const got = bytes.length >= 4 ? view.getUint32(0, false) : undefined;
  if (got !== magic) {
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (the file is gzip-compressed: name it *.gz)' : '';
    throw new Error(`${path}: expected idx${dims} magic ${hex32(magic)}, got ${got === undefined ? `a ${bytes.length}-byte file` : hex32(got)}${gzip}`);
  }
  const headerLength = 4 + 4 * dims;
  if (bytes.length < headerLength) {
    throw new Error(`${path}: file is ${bytes.length} bytes; an idx${dims} file starts with a ${headerLength}-byte header`);
  }
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = shape.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual !== expected) {
    throw new Error(`${path}: header declares shape [${shape.join(', ')}] = ${expected} bytes of data, but the file has ${actual} after the ${headerLength}-byte header (${actual < expected ? 'truncated' : 'trailing bytes'})`);
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/** Returns the idx array with `dims` dimensions stored at `path` (gunzipped when it ends in .gz). */
export async function readIdxFile(path: string, dims: number): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read idx file (${(e as Error).message})`);
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${path}: expected gzip data (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, dims, path);
}
