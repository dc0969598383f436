/**
 * The peer section of `npm run bench`: guidance-lab against a faithful PyTorch mirror of the shipped models
 * (`torch_mirror.py bench`: alternating rounds of forward, train step, Heun-18 + CFG sampling and a 512³
 * matmul), once per available backend (wasm; tensorflow when `npm run native` has built its addon). Rows:
 * guidance-lab's images/s and its speed ratio to PyTorch on one and on two threads, per metric and model;
 * each run's full summary is copied to bench/results/. Skips with a notice when PyTorch or the mirror is absent.
 *   GUIDANCE_LAB_PEER: folder of torch_mirror.py (default ../shared/peer or ../../shared/peer of the repo)
 *   GUIDANCE_LAB_PEER_ROUNDS (default 3), GUIDANCE_LAB_PEER_SAMPLE_ROUNDS (default 1), GUIDANCE_LAB_PEER_ONLY
 *   (default matmul,fwd,train,sample), GUIDANCE_LAB_PEER_BACKENDS (default: every available one, e.g. "wasm")
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nativeAddonMissing } from '../src/backend/select';
import type { Row } from './timing';

const REPO = resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';

/** One entry of the mirror's `_summary.json` table. */
interface PeerEntry {
  metric: string;
  arch: string;
  gl?: { median_images_s?: number; median_gflops?: number };
  ratio_gl_over_torch1?: { median: number };
  ratio_gl_over_torch2?: { median: number };
}

/** Returns the folder holding torch_mirror.py, or null. */
function peerDir(): string | null {
  const given = process.env.GUIDANCE_LAB_PEER;
  const candidates = given ? [given] : [join(REPO, '..', 'shared', 'peer'), join(REPO, '..', '..', 'shared', 'peer')];
  return candidates.find((d) => existsSync(join(d, 'torch_mirror.py'))) ?? null;
}

/** Returns null when Debian's PyTorch and NumPy import under /usr/bin/python3, else why not. */
function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} cannot run (${r.error.message})`;
  if (r.status === 0) return null;
  const why = r.stderr.trim().split('\n').pop();
  return `PyTorch is not installed for ${PYTHON} (${why}); install it with "apt-get install python3-torch python3-numpy libopenblas0-pthread"`;
}

/** Debian's BLAS alternative, which Debian's PyTorch multiplies through. */
const DEBIAN_BLAS = '/usr/lib/x86_64-linux-gnu/libblas.so.3';

/**
 * Returns null when PyTorch's BLAS is an optimised one (or not Debian's alternative), else why the comparison would be
 * unfair: with only the reference BLAS installed a 512³ matmul runs at ≈ 3 GFLOP/s instead of OpenBLAS's ≈ 40–75, and
 * every ratio flatters guidance-lab several-fold.
 */
export function referenceBlas(blas: string = DEBIAN_BLAS): string | null {
  if (!existsSync(blas)) return null;
  const target = realpathSync(blas);
  if (/openblas|blis|mkl|atlas/i.test(target)) return null;
  return `PyTorch would multiply through the reference BLAS (${blas} → ${target}); install "apt-get install libopenblas0-pthread"`;
}

/** Returns the backends to compare: GUIDANCE_LAB_PEER_BACKENDS, else wasm plus tensorflow when its addon is built. */
function backends(notice: (m: string) => void): string[] {
  const given = process.env.GUIDANCE_LAB_PEER_BACKENDS;
  if (given)
    return given
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
  const missing = nativeAddonMissing('tensorflow');
  if (missing !== null) notice(`bench peer: no tensorflow backend (${missing}); comparing wasm only`);
  return missing === null ? ['wasm', 'tensorflow'] : ['wasm'];
}

/** Runs the mirror's bench on `backend`; returns its summary file (copied into bench/results/) or throws. */
function runMirror(dir: string, backend: string): string {
  const work = mkdtempSync(join(tmpdir(), 'guidance-lab-peer-'));
  try {
    const args = [
      join(dir, 'torch_mirror.py'),
      'bench',
      '--repo',
      REPO,
      '--work',
      work,
      '--rounds',
      process.env.GUIDANCE_LAB_PEER_ROUNDS ?? '3',
      '--sample-rounds',
      process.env.GUIDANCE_LAB_PEER_SAMPLE_ROUNDS ?? '1',
      '--only',
      process.env.GUIDANCE_LAB_PEER_ONLY ?? 'matmul,fwd,train,sample',
    ];
    const env = { ...process.env, GUIDANCE_LAB_BACKEND: backend, GUIDANCE_LAB_QUIET: '1' };
    const r = spawnSync(PYTHON, args, { cwd: REPO, env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.error || r.status !== 0) {
      throw new Error(`torch_mirror.py bench on ${backend} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
    }
    const summary = readdirSync(work).find((f) => f.endsWith('_summary.json'));
    if (!summary) throw new Error(`torch_mirror.py bench on ${backend} wrote no summary in ${work}`);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    const kept = join(__dirname, 'results', `${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}-peer-${backend}.json`);
    copyFileSync(join(work, summary), kept);
    return kept;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Returns the rows of one summary: guidance-lab's rate and its ratio to PyTorch on 1 and 2 threads, per metric and model. */
export function peerRows(backend: string, table: PeerEntry[]): Row[] {
  return table.flatMap((e) => {
    const what = e.metric === 'matmul' ? 'matmul 512³' : `${e.metric} ${e.arch}`;
    const rate = e.gl?.median_images_s ?? e.gl?.median_gflops;
    const rows: Row[] = [];
    const unit = e.gl?.median_images_s !== undefined ? 'images/s' : 'GFLOP/s';
    if (rate !== undefined) rows.push({ name: `${backend} ${what}: guidance-lab`, value: rate, unit });
    const ratio = (r: { median: number } | undefined, threads: string) => {
      if (r) rows.push({ name: `${backend} ${what}: ÷ PyTorch ${threads}`, value: r.median, unit: '×' });
    };
    ratio(e.ratio_gl_over_torch1, '1 thread');
    ratio(e.ratio_gl_over_torch2, '2 threads');
    return rows;
  });
}

/** Returns the peer rows of every available backend, or none (with a notice on stderr) when PyTorch or the mirror is absent. */
export function benchPeer(): Row[] {
  const notice = (m: string) => void process.stderr.write(`${m}\n`);
  const dir = peerDir();
  if (dir === null) {
    notice('bench peer: SKIPPED: torch_mirror.py not found (set GUIDANCE_LAB_PEER to its folder; looked in ../shared/peer)');
    return [];
  }
  const missing = torchMissing();
  if (missing !== null) {
    notice(`bench peer: SKIPPED: ${missing}`);
    return [];
  }
  const slowBlas = referenceBlas();
  if (slowBlas !== null) {
    notice(`bench peer: SKIPPED: ${slowBlas}`);
    return [];
  }
  return backends(notice).flatMap((backend) => {
    const file = runMirror(dir, backend);
    notice(`bench peer: ${backend} summary written to ${file}`);
    return peerRows(backend, (JSON.parse(readFileSync(file, 'utf8')) as { table: PeerEntry[] }).table);
  });
}
