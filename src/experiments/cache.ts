/**
 * A sweep's cache folder: `manifest.json` (the checkpoint, featurizer and reference digests it was
 * written with, and the second feature space's when it measures there), `rows/<key>.json`, one finished
 * point each, written atomically so a killed sweep leaves only whole rows, `failed/<key>.json`, points
 * whose sampling diverged, and `claims/<key>.claim`, points being computed by a running sweep (so two
 * sweeps on one folder compute each point once).
 * Every row read is checked (whole JSON, its own key, finite metrics): a damaged one is never a row.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { ClaimResult, releaseClaim, tryClaim } from './claims';
import { RowDigests, pointKey } from './key';
import type { PointFailure, SweepRow } from './point';

const MANIFEST = 'manifest.json';
const ROWS = 'rows';
const FAILED = 'failed';
const CLAIMS = 'claims';
/** How long `open` waits for another sweep to finish updating the manifest. */
const MANIFEST_WAIT_MS = 30_000;

/** What the cache holds for a key: a checked row, nothing, or a file that is not a valid row (and why). */
export type RowStatus = { state: 'finished'; row: SweepRow } | { state: 'missing' } | { state: 'damaged'; file: string; reason: string };

/** The rows of one cache folder, keyed by point key. */
export class SweepCache {
  private constructor(
    readonly dir: string,
    readonly digests: RowDigests,
    private readonly token: string,
  ) {}

  /**
   * Returns the cache in `dir`, creating it for `digests`; throws when the folder was written for another
   * featurizer, reference set, second space (or none) or checkpoint of the same model name. The manifest is
   * updated under a claim, so concurrent sweeps adding models never lose each other's entries. `token` marks
   * this sweep's claims.
   */
  static open(dir: string, digests: RowDigests, token: string): SweepCache {
    for (const sub of [ROWS, FAILED, CLAIMS]) mkdirSync(join(dir, sub), { recursive: true });
    const file = join(dir, MANIFEST);
    const lock = join(dir, CLAIMS, `${MANIFEST}.claim`);
    waitForClaim(lock, token, `updating ${file}`);
    try {
      const merged = existsSync(file) ? mergeManifest(file, readManifest(dir), digests) : digests;
      writeAtomic(file, JSON.stringify(merged, null, 2));
      return new SweepCache(dir, merged, token);
    } finally {
      releaseClaim(lock, token);
    }
  }

  /** Returns what the cache holds for `key`: a finished (checked) row, nothing, or a damaged file and why. */
  status(key: string): RowStatus {
    const file = this.rowPath(key);
    if (!existsSync(file)) return { state: 'missing' };
    try {
      return { state: 'finished', row: readRow(file) };
    } catch (e) {
      return { state: 'damaged', file, reason: (e as Error).message };
    }
  }

  /** Writes a finished row (atomically) and drops a failure recorded for its key by an earlier run. */
  write(row: SweepRow): void {
    writeAtomic(this.rowPath(row.key), `${JSON.stringify(row, null, 2)}\n`);
    rmSync(this.failurePath(row.key), { force: true });
  }

  /** Records a point that could not be computed (atomically); it is not a row and is retried by the next run. */
  writeFailure(failure: PointFailure): void {
    writeAtomic(this.failurePath(failure.key), `${JSON.stringify(failure, null, 2)}\n`);
  }

  /** Returns the failure recorded for `key` at or after `since` (ms since epoch), if any. */
  failure(key: string, since: number): PointFailure | undefined {
    const file = this.failurePath(key);
    if (!existsSync(file)) return undefined;
    try {
      const f = JSON.parse(readFileSync(file, 'utf8')) as PointFailure;
      return Date.parse(f.failedAt) >= since ? f : undefined;
    } catch {
      return undefined; // a damaged failure record only means the point is retried
    }
  }

  /** Claims point `key` for this sweep; returns { mine: true }, or the pid of the live sweep computing it. */
  claim(key: string): ClaimResult {
    return tryClaim(this.claimPath(key), this.token);
  }

  /** Releases this sweep's claim on `key`. */
  release(key: string): void {
    releaseClaim(this.claimPath(key), this.token);
  }

  private rowPath(key: string): string {
    return join(this.dir, ROWS, `${key}.json`);
  }

  private failurePath(key: string): string {
    return join(this.dir, FAILED, `${key}.json`);
  }

  private claimPath(key: string): string {
    return join(this.dir, CLAIMS, `${key}.claim`);
  }
}

/** Returns the digests a cache folder was written with; throws when it is not a sweep cache. */
export function readManifest(dir: string): RowDigests {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) throw new Error(`${dir} is not a sweep cache (no ${MANIFEST})`);
  let m: RowDigests;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as RowDigests;
  } catch (e) {
    throw new Error(`${file} is damaged (${(e as Error).message}); it cannot be trusted, use a new --out folder`);
  }
  if (typeof m?.featurizer !== 'string' || typeof m.reference !== 'string' || typeof m.models !== 'object' || m.models === null) {
    throw new Error(`${file} is damaged: it needs models, featurizer and reference digests; use a new --out folder`);
  }
  if (m.second !== undefined && (typeof m.second?.featurizer !== 'string' || typeof m.second.reference !== 'string')) {
    throw new Error(`${file} is damaged: its second space needs featurizer and reference digests; use a new --out folder`);
  }
  return m;
}

/** Returns the finished rows of the cache folder `dir`, sorted by key; throws naming the first damaged row file. */
export function readRows(dir: string): SweepRow[] {
  readManifest(dir);
  return readdirSync(join(dir, ROWS))
    .filter((f) => f.endsWith('.json') && !f.includes('.tmp-'))
    .sort()
    .map((f) => readRow(join(dir, ROWS, f)));
}

/**
 * Returns the row in `file` (named `<key>.json`); throws naming the file unless it is whole JSON of a row
 * whose key is the file's, whose point and digests hash to that key, and whose asked-for metrics are finite.
 */
export function readRow(file: string): SweepRow {
  const fail = (why: string) => new Error(`damaged sweep row ${file}: ${why}; it is not counted (rerun the sweep to recompute the point)`);
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') throw fail('the file is empty');
  let row: SweepRow;
  try {
    row = JSON.parse(text) as SweepRow;
  } catch (e) {
    throw fail(`not whole JSON, e.g. truncated (${(e as Error).message})`);
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw fail('not a JSON object');
  for (const field of ['key', 'point', 'metrics', 'digests'] as const) {
    if (typeof row[field] !== (field === 'key' ? 'string' : 'object') || row[field] === null) throw fail(`no ${field}`);
  }
  const key = basename(file, '.json');
  if (row.key !== key) throw fail(`it holds the row of another point (key ${row.key.slice(0, 12)}…)`);
  let hashed: string;
  try {
    hashed = pointKey(row.point, row.digests);
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (hashed !== key) throw fail(`its point and digests hash to ${hashed.slice(0, 12)}…, not to its key`);
  for (const name of expectedMetrics(row)) {
    const v = row.metrics[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`metric ${name} is ${JSON.stringify(v)}, not a finite number`);
  }
  return row;
}

/** Returns `have` extended by `want`'s models; throws naming the field whose digest differs. */
export function mergeManifest(where: string, have: RowDigests, want: RowDigests): RowDigests {
  const refuse = (what: string, a: string, b: string) =>
    new Error(
      `${where}: this cache was written with ${what} ${short(a)}, not ${short(b)}; use another --out folder (rows are never reused across digests)`,
    );
  const spaces: [string, string | undefined, string | undefined][] = [
    ['featurizer digest', have.featurizer, want.featurizer],
    ['reference features digest', have.reference, want.reference],
    ['second-space (autoencoder) featurizer digest', have.second?.featurizer, want.second?.featurizer],
    ['second-space (autoencoder) reference features digest', have.second?.reference, want.second?.reference],
  ];
  for (const [what, a, b] of spaces) if (a !== b) throw refuse(what, a ?? 'none', b ?? 'none');
  for (const [name, d] of Object.entries(want.models)) {
    if (have.models[name] !== undefined && have.models[name] !== d) throw refuse(`checkpoint "${name}" digest`, have.models[name], d);
  }
  return { ...have, models: { ...have.models, ...want.models } };
}

/** The metrics fields a row's point asked for: FID and KID also in the second space when its digests have one. */
function expectedMetrics(row: SweepRow): (keyof SweepRow['metrics'])[] {
  const asked = Array.isArray(row.point.metrics) ? row.point.metrics : [];
  const second = row.digests.second !== undefined;
  return asked.flatMap((m) => {
    if (m === 'precisionRecall') return ['precision', 'recall'] as const;
    if (second && (m === 'fid' || m === 'kid')) return [m, m === 'fid' ? 'fidAe' : 'kidAe'] as const;
    return [m];
  });
}

/** Claims `lock` for `token`, waiting (up to MANIFEST_WAIT_MS) while another live sweep holds it. */
function waitForClaim(lock: string, token: string, what: string): void {
  const deadline = Date.now() + MANIFEST_WAIT_MS;
  for (;;) {
    const c = tryClaim(lock, token);
    if (c.mine) return;
    if (Date.now() > deadline) throw new Error(`${what}: sweep process ${c.pid} has held ${lock} for over ${MANIFEST_WAIT_MS / 1000} s`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** Writes `text` to `file` through a temporary file and a rename, so a reader never sees a partial file. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-${randomUUID()}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function short(digest: string): string {
  return digest.length > 16 ? `${digest.slice(0, 16)}…` : digest;
}
