/**
 * Checkpoints: safetensors files whose `__metadata__` holds the model `config` and `training` state
 * as JSON strings, written atomically, identified by the sha256 digest of their bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { decodeSafetensors, encodeSafetensors, type Dtype, type TensorData } from './safetensors';

/** What a checkpoint says about itself; every value is stored as a JSON string. */
export interface CheckpointMeta {
  config: Record<string, unknown>;
  training?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A loaded checkpoint: float32 tensors, parsed metadata, and the sha256 (hex) of the file. */
export interface Checkpoint {
  tensors: Record<string, TensorData>;
  metadata: CheckpointMeta;
  digest: string;
}

/** Returns the sha256 of `bytes` as 64 hex characters. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes `tensors` and `meta` to `path` as safetensors (F32 by default) through a temporary file and
 * a rename, so `path` is never half-written; returns the new file's digest and size in bytes.
 */
export async function saveCheckpoint(
  path: string,
  tensors: Record<string, TensorData>,
  meta: CheckpointMeta,
  options: { dtype?: Dtype } = {},
): Promise<{ digest: string; bytes: number }> {
  if (typeof meta.config !== 'object' || meta.config === null)
    throw new Error(`${path}: meta.config must be an object; got ${JSON.stringify(meta.config)}`);
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (value !== undefined) strings[key] = JSON.stringify(value);
  }
  const bytes = encodeSafetensors(tensors, strings, options.dtype ?? 'F32');
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return { digest: sha256Hex(bytes), bytes: bytes.length };
}

/**
 * Reads the checkpoint at `path`: tensors as float32 (F16 widened exactly), metadata values parsed
 * as JSON (values other tools wrote that are not JSON stay strings), and the file's sha256 digest.
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read checkpoint (${(e as Error).message})`);
  }
  const { tensors, metadata: strings } = decodeSafetensors(bytes, path);
  const metadata: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(strings)) {
    try {
      metadata[key] = JSON.parse(text);
    } catch {
      metadata[key] = text;
    }
  }
  for (const key of ['config', 'training']) {
    const v = metadata[key];
    const required = key === 'config';
    if ((v !== undefined || required) && (typeof v !== 'object' || v === null || Array.isArray(v))) {
      throw new Error(
        `${path}: __metadata__.${key} must be a JSON object string; got ${v === undefined ? 'nothing' : JSON.stringify(strings[key])}`,
      );
    }
  }
  return { tensors, metadata: metadata as CheckpointMeta, digest: sha256Hex(bytes) };
}
