/**
 * A study notebook's cache of measured points, so `npm run figures` resumes after an interruption and re-renders
 * from committed results without sampling: one JSON file per point, `<dir>/<key>.json`, whose key is the sha256 of
 * everything that determines the point (the positive model's content digest, every guidance term's method and
 * recorded options with models by digest, seed, labels, sampler, steps, sample count, the metrics asked for, the
 * featurizer's and the reference rows' digests). Not in the key: the backend and batch size (recorded beside the
 * point; they change results only by float rounding). Writes are atomic; a file that fails its checks is recomputed
 * with a log line. The same folder keeps bootstrap results (`json`), keyed by the points they were computed from. A
 * point missing there is looked up in the other studies' folders (`shared`; same key, same point) and copied in.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../experiments/key';
import { writeAtomic } from '../experiments/cache';
import type { PointSamples } from '../experiments/samples';
import { builtFrom, type GuidanceTerm } from '../guidance/term';
import { Denoiser } from '../model';

/** One guidance term as key data: its method and recorded options (models as `{ model: digest }`, ∞ as "Infinity"). */
export interface TermKey {
  method: string;
  options: Record<string, unknown>;
}

/** Everything that determines a study point; its canonical JSON's sha256 is the point's key. */
export interface PointDescription {
  /** Layout version of the description (a change recomputes every point). */
  version: 1;
  /** sha256 of the positive model's config and weights. */
  model: string;
  arch: string;
  terms: TermKey[];
  seed: number;
  labels: number[];
  steps: number;
  sampler: 'euler' | 'heun';
  samples: number;
  conditional: boolean;
  /** The metrics measured (e.g. kid, precisionRecall, classAccuracy, fid). */
  metrics: string[];
  /** The featurizer's digest and the reference feature rows' digest. */
  featurizer: string;
  reference: string;
  /** The second space's featurizer and reference digests when KID / FID are also measured there (the feature autoencoder's). */
  second: { featurizer: string; reference: string } | null;
}

/** A point's metrics as stored: class accuracy null when unconditional, FID only when measured. */
export interface StoredMetrics {
  kid: number;
  precision: number;
  recall: number;
  accuracy: number | null;
  fid?: number;
  /** KID and FID (when measured) in the second space. */
  kidAe?: number;
  fidAe?: number;
}

/** What a point file holds. */
export interface CachedPoint {
  key: string;
  point: PointDescription;
  metrics: StoredMetrics;
  samples: PointSamples;
  /** How it was computed (not part of the key). */
  provenance: { backend: string; batchSize: number; seconds: number; finishedAt: string };
}

/** How many points a cache returned (`copied` of them from another study's folder), computed, and found damaged (recomputed). */
export interface CacheCounts {
  hits: number;
  copied: number;
  computed: number;
  damaged: number;
}

const FUNCTION_NAME = Symbol('guidance-lab cache name');

/**
 * Returns `fn` marked with `name`, the identity a cache key uses for a function-valued option (a SAG mask): the name
 * must change whenever what the function computes changes, since its code and captured values are not hashed.
 */
export function keyedFunction<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  if (typeof name !== 'string' || name.trim() === '')
    throw new Error(`keyedFunction: name is ${JSON.stringify(name)}; give a non-empty name`);
  if (typeof fn !== 'function') throw new Error(`keyedFunction("${name}"): got ${typeof fn}, not a function`);
  Object.defineProperty(fn, FUNCTION_NAME, { value: name, enumerable: false, configurable: true });
  return fn;
}

/** Returns the hex sha256 of a model's config and weights (its identity in point keys). */
export function modelDigest(model: Denoiser): string {
  const hash = createHash('sha256').update(canonicalJson(model.config));
  const weights = model.net.params.snapshot();
  for (const name of Object.keys(weights).sort()) {
    const w = weights[name];
    hash.update(`${name}[${w.shape}]`).update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  }
  return hash.digest('hex');
}

/** Returns the terms as key data; throws for a term whose options were not recorded or hold an unnamed function. */
export function termKeys(terms: readonly GuidanceTerm[], digestOf: (m: Denoiser) => string = modelDigest): TermKey[] {
  return terms.map((term, i) => {
    const built = builtFrom(term);
    if (built === undefined) {
      throw new Error(
        `guidance term ${i} (${term.method}) has no recorded options (hand-made or copied), so its points cannot be cached: ` +
          `build it with a guidance-lab builder (gl.${term.method}(…) or gl.guidanceTerm("${term.method}", …))`,
      );
    }
    const options: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(built)) {
      if (value !== undefined) options[name] = keyValue(value, `${term.method} option ${name}`, digestOf);
    }
    return { method: term.method, options };
  });
}

/** Returns the hex sha256 key of `description` (canonical JSON, so key order never matters). */
export function pointKey(description: PointDescription | Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(description)).digest('hex');
}

/** Point files in one folder, with counts of what was read, computed and found damaged. */
export class PointCache {
  private readonly count: CacheCounts = { hits: 0, copied: 0, computed: 0, damaged: 0 };

  /** `shared`: other studies' point folders, read (never written) for a point `dir` lacks; a point found there is copied into `dir`. */
  constructor(
    readonly dir: string,
    private readonly log: (line: string) => void = console.log,
    private readonly shared: readonly string[] = [],
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Returns the counts so far (a copy). */
  get counts(): CacheCounts {
    return { ...this.count };
  }

  /** Returns the cached point of `description`, or computes, stores (atomically) and returns it; a damaged file is recomputed. */
  async point(description: PointDescription, compute: () => Promise<Omit<CachedPoint, 'key' | 'point'>>): Promise<CachedPoint> {
    const key = pointKey(description);
    const file = this.file(key);
    if (existsSync(file)) {
      try {
        const found = readPoint(file, key);
        this.count.hits++;
        return found;
      } catch (e) {
        this.count.damaged++;
        this.log(`${(e as Error).message}; recomputing it`);
      }
    }
    const copy = this.fromShared(key);
    if (copy !== undefined) {
      writeAtomic(file, `${JSON.stringify(copy)}\n`);
      this.count.hits++;
      this.count.copied++;
      return copy;
    }
    const point: CachedPoint = { key, point: description, ...(await compute()) };
    checkPoint(point, key);
    writeAtomic(file, `${JSON.stringify(point)}\n`);
    this.count.computed++;
    return point;
  }

  /** Returns the JSON value stored under the key of `what`, or computes and stores it (atomically); damaged files are recomputed. */
  json<T>(what: Record<string, unknown>, compute: () => T): T {
    const key = pointKey(what);
    const file = this.file(`result-${key}`);
    if (existsSync(file)) {
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as { key: string; value: T };
        if (stored.key === key && stored.value !== undefined) return stored.value;
        this.log(`damaged cached result ${file}: it holds key ${String(stored.key).slice(0, 12)}…; recomputing it`);
      } catch (e) {
        this.log(`damaged cached result ${file} (${(e as Error).message}); recomputing it`);
      }
    }
    const value = compute();
    writeAtomic(file, `${JSON.stringify({ key, what, value })}\n`);
    return value;
  }

  /** Returns the first whole point of `key` in the shared folders (a damaged one is skipped with a log line), or undefined. */
  private fromShared(key: string): CachedPoint | undefined {
    for (const dir of this.shared) {
      const file = join(dir, `${key}.json`);
      if (!existsSync(file)) continue;
      try {
        return readPoint(file, key);
      } catch (e) {
        this.log(`${(e as Error).message}; not copying it`);
      }
    }
    return undefined;
  }

  private file(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}

/** Returns the point in `file` after checking it is whole JSON of the point with key `key`; throws naming the file and the fault. */
export function readPoint(file: string, key: string): CachedPoint {
  let point: CachedPoint;
  try {
    point = JSON.parse(readFileSync(file, 'utf8')) as CachedPoint;
  } catch (e) {
    throw new Error(`damaged point file ${file}: not whole JSON, e.g. truncated (${(e as Error).message})`);
  }
  try {
    checkPoint(point, key);
  } catch (e) {
    throw new Error(`damaged point file ${file}: ${(e as Error).message}`);
  }
  return point;
}

/** Throws unless `p` is a point of key `key` whose description hashes to it, with the metrics and per-sample record it asked for. */
function checkPoint(p: CachedPoint, key: string): void {
  if (typeof p !== 'object' || p === null || typeof p.point !== 'object' || p.point === null) throw new Error('not a point record');
  if (p.key !== key) throw new Error(`it holds the point of key ${String(p.key).slice(0, 12)}…`);
  if (pointKey(p.point) !== key) throw new Error('its description does not hash to its key');
  const m = p.metrics ?? ({} as StoredMetrics);
  for (const name of ['kid', 'precision', 'recall'] as const) {
    if (typeof m[name] !== 'number' || !Number.isFinite(m[name]))
      throw new Error(`metric ${name} is ${JSON.stringify(m[name])}, not a finite number`);
  }
  const accuracyOk = p.point.conditional ? Number.isFinite(m.accuracy) : m.accuracy === null;
  if (!accuracyOk)
    throw new Error(`class accuracy is ${JSON.stringify(m.accuracy)} for a ${p.point.conditional ? '' : 'un'}conditional point`);
  if (p.point.metrics.includes('fid') && !(typeof m.fid === 'number' && Number.isFinite(m.fid))) {
    throw new Error(`FID is ${JSON.stringify(m.fid)}, not a finite number`);
  }
  if (p.point.second) {
    if (!(typeof m.kidAe === 'number' && Number.isFinite(m.kidAe)))
      throw new Error(`KID in the second space is ${JSON.stringify(m.kidAe)}`);
    if (p.point.metrics.includes('fid') && !(typeof m.fidAe === 'number' && Number.isFinite(m.fidAe))) {
      throw new Error(`FID in the second space is ${JSON.stringify(m.fidAe)}, not a finite number`);
    }
    if (typeof p.samples?.ae !== 'object' || p.samples.ae === null) throw new Error('its per-sample record lacks the second space');
  }
  const s = p.samples;
  if (typeof s !== 'object' || s === null || s.n !== p.point.samples || s.seed !== p.point.seed || typeof s.features !== 'string') {
    throw new Error(`its per-sample record does not hold ${p.point.samples} samples of seed ${p.point.seed}`);
  }
}

/** Returns a recorded option value as key data; throws naming the option for a value that cannot be keyed. */
function keyValue(v: unknown, where: string, digestOf: (m: Denoiser) => string): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x, i) => keyValue(x, `${where}[${i}]`, digestOf));
  if (v instanceof Denoiser) return { model: digestOf(v) };
  if (typeof v === 'function') {
    const name = (v as unknown as Record<symbol, unknown>)[FUNCTION_NAME];
    if (typeof name === 'string') return { function: name };
    throw new Error(
      `${where} is a function, whose code and captured values a cache key cannot see: ` +
        `name what it computes with gl.keyedFunction('a-name', fn) (and change the name when it changes)`,
    );
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, keyValue(x, `${where}.${k}`, digestOf)]));
  }
  throw new Error(
    `${where} is a ${(v as object).constructor?.name ?? typeof v}, which a cache key cannot hold (allowed: numbers, strings, lists, models, named functions)`,
  );
}
