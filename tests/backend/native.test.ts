import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { shareCoresWithWorkers } from '../../src/backend';

const CHILD = join(__dirname, 'select-child.ts');
// Where `npm run native` (or tfjs-node's own install) puts the addon; the package lists N-API 3–8 and node ≥ 20 loads v8.
const ADDON = join(__dirname, '..', '..', 'node_modules', '@tensorflow', 'tfjs-node', 'lib', 'napi-v8', 'tfjs_binding.node');
// The addon is usable only where it was built and its library is beside it (npm run native) or installed normally.
const built = existsSync(ADDON);
const GPU_ADDON = join(ADDON, '..', '..', '..', '..', 'tfjs-node-gpu', 'lib', 'napi-v8', 'tfjs_binding.node');

type ChildResult = { name?: string; backend?: string; error?: string; intraOp?: string; ticks?: number[]; stderr: string };

/** Runs select-child.ts with GUIDANCE_LAB_BACKEND=`backend` (TF_NUM_* cleared) and returns its JSON line plus stderr. */
function child(backend: string, mode = ''): ChildResult {
  const env: NodeJS.ProcessEnv = { ...process.env, GUIDANCE_LAB_BACKEND: backend, GUIDANCE_LAB_QUIET: '1' };
  delete env.TF_NUM_INTRAOP_THREADS;
  delete env.TF_NUM_INTEROP_THREADS;
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, mode], { encoding: 'utf8', env, timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
}

test('GUIDANCE_LAB_BACKEND=tensorflow loads the built addon, or names the missing file and "npm run native"', () => {
  const r = child('tensorflow');
  if (built) {
    assert.equal(r.error, undefined);
    assert.deepEqual([r.name, r.backend], ['tensorflow', 'tensorflow']);
  } else {
    assert.match(r.error ?? '', /npm run native/);
    assert.ok(r.error!.includes(ADDON) || r.error!.includes('@tensorflow/tfjs-node is not installed'), r.error);
  }
});

const gpuSkip = existsSync(GPU_ADDON) ? 'tfjs-node-gpu has its addon here' : false;
test('GUIDANCE_LAB_BACKEND=tensorflow-gpu without its addon names what to install, never a half-loaded package', { skip: gpuSkip }, () => {
  const r = child('tensorflow-gpu');
  assert.match(r.error ?? '', /@tensorflow\/tfjs-node-gpu (is not installed|has no addon)/);
  assert.doesNotMatch(r.stderr, /already registered/);
});

test('auto picks tfjs-node when its addon loads, else wasm, and registers no kernel twice', () => {
  const r = child('auto');
  assert.equal(r.name, built ? 'tensorflow' : 'wasm');
  assert.doesNotMatch(r.stderr, /already registered/);
});

test('shareCoresWithWorkers: cores ÷ workers intra-op threads (at least 1), never overriding the user', () => {
  const saved = { intra: process.env.TF_NUM_INTRAOP_THREADS, inter: process.env.TF_NUM_INTEROP_THREADS };
  const restore = (): void => {
    for (const [key, value] of [
      ['TF_NUM_INTRAOP_THREADS', saved.intra],
      ['TF_NUM_INTEROP_THREADS', saved.inter],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  try {
    delete process.env.TF_NUM_INTRAOP_THREADS;
    delete process.env.TF_NUM_INTEROP_THREADS;
    assert.equal(shareCoresWithWorkers(1), undefined);
    assert.equal(process.env.TF_NUM_INTEROP_THREADS, undefined);
    assert.equal(shareCoresWithWorkers(availableParallelism() * 4), '1');
    assert.equal(process.env.TF_NUM_INTEROP_THREADS, '1');
    delete process.env.TF_NUM_INTRAOP_THREADS;
    assert.equal(shareCoresWithWorkers(2), String(Math.max(1, Math.floor(availableParallelism() / 2))));
    process.env.TF_NUM_INTRAOP_THREADS = '3';
    assert.equal(shareCoresWithWorkers(2), '3');
  } finally {
    restore();
  }
});

const threadSkip = !built || process.platform !== 'linux' ? 'needs the native addon (npm run native) and Linux /proc' : false;

test('on tensorflow, one worker per core runs its ops on its own thread, no TensorFlow pool thread busy', { skip: threadSkip }, () => {
  const shared = child('tensorflow', 'threads');
  assert.equal(shared.intraOp, '1');
  const [own, ...others] = shared.ticks!;
  // 80 products of 768² take ≈ 0.6–1.5 s of CPU (60–150 ticks of 10 ms); V8's helper threads may take a few ticks.
  assert.ok(own >= 20, `calling thread ${own} ticks`);
  const busiest = Math.max(...others);
  assert.ok(busiest <= Math.max(5, own / 20), `busiest other thread ${busiest} ticks vs ${own} on the calling thread`);
  if (availableParallelism() < 2) return;
  // Contrast (so the check above can fail): TensorFlow's default pool, one thread per core, does most of the work.
  const pool = child('tensorflow', 'pool');
  const [poolOwn, ...poolOthers] = pool.ticks!;
  assert.ok(Math.max(...poolOthers) > poolOwn / 2, `default pool: busiest other thread ${Math.max(...poolOthers)} ticks vs ${poolOwn}`);
});
