/**
 * The safetensors file format, in memory: an 8-byte little-endian header length N, N bytes of JSON
 * header (padded with spaces to a multiple of 8), then the tensors' bytes, tiled without holes or
 * overlaps, offsets relative to the start of that buffer. Only F32 and F16 tensors are supported;
 * tensor bytes are the host's typed-array order, i.e. little-endian on every platform Node runs on.
 */
import { float16ToFloat32, float32ToFloat16 } from './float16';

export const DTYPES = ['F32', 'F16'] as const;
export type Dtype = (typeof DTYPES)[number];
const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, F16: 2 };

/** A float32 tensor in row-major order. */
export interface TensorData {
  data: Float32Array;
  shape: number[];
}

/** What a safetensors file holds: tensors (as float32), their stored dtypes, and string metadata. */
export interface SafetensorsContents {
  tensors: Record<string, TensorData>;
  dtypes: Record<string, Dtype>;
  metadata: Record<string, string>;
}

/** The safetensors reference implementation refuses headers larger than this. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** Returns the bytes of a safetensors file holding `tensors` (sorted by name) stored as `dtype`. */
export function encodeSafetensors(tensors: Record<string, TensorData>, metadata: Record<string, string>, dtype: Dtype): Buffer {
  if (!DTYPES.includes(dtype)) throw new Error(`unsupported dtype "${dtype}"; choose one of ${DTYPES.join(', ')}`);
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const { data, shape } = tensors[name];
    if (name === METADATA_KEY || name === '') throw new Error(`invalid tensor name "${name}"`);
    if (!isShape(shape)) throw new Error(`tensor "${name}": shape must be non-negative integers; got ${JSON.stringify(shape)}`);
    if (data.length !== numel(shape)) {
      throw new Error(`tensor "${name}": shape [${shape.join(', ')}] needs ${numel(shape)} values; got ${data.length}`);
    }
    const raw = dtype === 'F16' ? float32ToFloat16(data) : data;
    const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));
  return Buffer.concat([prefix, headerBytes, ...chunks]);
}

/** Returns the tensors, dtypes and metadata of safetensors `bytes`; errors name `path` and the problem. */
export function decodeSafetensors(bytes: Uint8Array, path: string): SafetensorsContents {
  const fail = (problem: string): never => {
    throw new Error(`${path}: ${problem}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) {
    fail(`header length ${n} exceeds the ${bytes.length - 8} bytes after the length field (truncated or not a safetensors file)`);
  }
  const headerLength = Number(n);
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  const headerText = Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8');
  if (!headerText.startsWith('{')) fail(`header must be a JSON object starting with "{"; got ${JSON.stringify(headerText.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('header must be a JSON object');

  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${METADATA_KEY} must be an object of strings`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`${METADATA_KEY}["${k}"] must be a string; got ${JSON.stringify(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const offsets = info?.data_offsets;
    if (
      typeof info?.dtype !== 'string' ||
      !isShape(info.shape) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      return fail(
        `tensor "${name}": expected {"dtype": string, "shape": [non-negative integers], "data_offsets": [begin, end]}; got ${JSON.stringify(value)}`,
      );
    }
    if (!(DTYPES as readonly string[]).includes(info.dtype))
      fail(`tensor "${name}": unsupported dtype "${info.dtype}" (supported: ${DTYPES.join(', ')})`);
    const [begin, end] = offsets as number[];
    if (begin > end) fail(`tensor "${name}": data_offsets [${begin}, ${end}] begin after end`);
    entries.push({ name, dtype: info.dtype as Dtype, shape: info.shape, begin, end });
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  const tensors: Record<string, TensorData> = {};
  const dtypes: Record<string, Dtype> = {};
  for (const { name, dtype, shape, begin, end } of entries) {
    const needed = numel(shape) * DTYPE_BYTES[dtype];
    if (end - begin !== needed) {
      fail(
        `tensor "${name}": data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${needed}`,
      );
    }
    if (end > dataLength) {
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] run past the ${dataLength}-byte data buffer (file truncated?)`);
    }
    if (begin !== covered) {
      fail(
        `tensor "${name}" starts at byte ${begin} but ${previous ? `tensor "${previous}" ends` : 'the data buffer starts'} at ${covered} (tensors must tile the buffer without holes or overlaps)`,
      );
    }
    const raw = new Uint8Array(end - begin); // a copy: aligned, detached from the file's bytes (Buffer.slice would be a view)
    raw.set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors[name] = {
      data: dtype === 'F16' ? float16ToFloat32(new Uint16Array(raw.buffer)) : new Float32Array(raw.buffer),
      shape: [...shape],
    };
    dtypes[name] = dtype;
    covered = end;
    previous = name;
  }
  if (covered !== dataLength) fail(`data buffer is ${dataLength} bytes but the tensors cover ${covered} (trailing bytes)`);
  return { tensors, dtypes, metadata };
}
