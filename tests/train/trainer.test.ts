import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { runFiles, truncateLog } from '../../src/train/trainer';
import { sigmaRelToGamma } from '../../src/train/ema';

const CHILD = join(__dirname, 'train-child.ts');
const IMAGES = 96; // 12 steps of 8

function runToEnd(out: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, out, String(IMAGES)], {
    encoding: 'utf8',
    env: { ...process.env, GUIDANCE_LAB_QUIET: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
}

async function stateStep(out: string): Promise<number> {
  try {
    return ((await loadCheckpoint(runFiles.state(out))).metadata.training as { step: number }).step;
  } catch {
    return -1; // not written yet
  }
}

test('σ_rel → γ matches EDM2 (σ_rel 0.05 ↔ γ ≈ 16.97, 0.10 ↔ γ ≈ 6.94)', () => {
  // Check the defining relation σ_rel² = (γ+1)/((γ+2)²(γ+3)) and the values EDM2 tabulates.
  for (const s of [0.05, 0.1, 0.15, 0.2]) {
    const g = sigmaRelToGamma(s);
    assert.ok(Math.abs((g + 1) / ((g + 2) ** 2 * (g + 3)) - s * s) < 1e-12);
  }
  assert.ok(Math.abs(sigmaRelToGamma(0.05) - 16.97) < 0.01);
  assert.ok(Math.abs(sigmaRelToGamma(0.1) - 6.94) < 0.01);
});

test('kill -9 mid-run, rerun the same command: it resumes and ends bit-identical to an uninterrupted run', async () => {
  const a = mkdtempSync(join(tmpdir(), 'gl-train-a-'));
  const b = mkdtempSync(join(tmpdir(), 'gl-train-b-'));
  runToEnd(a);

  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, b, String(IMAGES)], {
    stdio: 'ignore',
    env: { ...process.env, GUIDANCE_LAB_QUIET: '1' },
  });
  const deadline = Date.now() + 60000;
  let killedAt = -1;
  while (Date.now() < deadline) {
    const s = await stateStep(b);
    if (s >= 3) {
      child.kill('SIGKILL');
      killedAt = s;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => child.once('exit', r));
  assert.ok(killedAt >= 3 && killedAt < 12, `killed at step ${killedAt}`);
  assert.ok(!existsSync(runFiles.ema(b, 0.1)), 'the killed run must not have finished');

  runToEnd(b);
  // A snapshot keeps every tracked EMA length; the lengths differ, so their weights do.
  const [snap, snapShort] = [
    await loadCheckpoint(runFiles.snapshot(a, 1 / 3.5)),
    await loadCheckpoint(runFiles.snapshot(a, 1 / 3.5, 0.05)),
  ];
  assert.ok(
    Object.keys(snap.tensors).some((n) => snap.tensors[n].data.some((v, i) => v !== snapShort.tensors[n].data[i])),
    'EMA 0.05 equals EMA 0.1',
  );
  for (const file of [runFiles.ema(a, 0.1), runFiles.ema(a, 0.05), runFiles.snapshot(a, 1 / 16), runFiles.snapshot(a, 1 / 16, 0.05)]) {
    const other = file.replace(a, b);
    const [ta, tb] = [await loadCheckpoint(file), await loadCheckpoint(other)];
    for (const [name, t] of Object.entries(ta.tensors))
      assert.deepEqual(Array.from(tb.tensors[name].data), Array.from(t.data), `${name} in ${file}`);
  }
  const log = readFileSync(runFiles.log(b), 'utf8');
  assert.match(log, /^step,images,loss,images_per_s\n/);
  // Each step is logged once, on the same grid as the uninterrupted run (a killed run's lines after its saved state are dropped).
  const steps = (out: string) =>
    readFileSync(runFiles.log(out), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]));
  assert.deepEqual(steps(b), [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(steps(a), [2, 4, 6, 8, 10, 12]);
});

test('maxSeconds stops a run early with its state saved; stateEma reads the EMA of the unfinished run; rerunning finishes it', async () => {
  const { initBackend } = await import('../../src/backend');
  const { testBackend } = await import('../test-backend');
  const { loadDataset, splitDataset } = await import('../../src/data');
  const { DEFAULT_TRAIN, stateEma, train } = await import('../../src/train/trainer');
  await initBackend(testBackend());
  const ds = await loadDataset('mnist');
  const idx = splitDataset(ds, { heldOut: 0.1, seed: 0 }).train;
  const out = mkdtempSync(join(tmpdir(), 'gl-train-max-'));
  const opts = {
    ...DEFAULT_TRAIN,
    out,
    images: 8 * 400,
    batch: 8,
    warmup: 16,
    sigmaRels: [0.05, 0.1],
    exportSigmaRel: 0.1,
    saveEverySeconds: 1e9,
    command: 'test',
    config: { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 } as const,
  };
  const first = await train(ds, idx, { ...opts, maxSeconds: 0.3 });
  assert.equal(first.finished, false);
  assert.ok(first.steps > 0 && first.steps < 400, `stopped at step ${first.steps}`);
  assert.equal(await stateStep(out), first.steps, 'the state is saved at the step where the time ran out');
  assert.ok(!existsSync(runFiles.ema(out, 0.1)), 'an unfinished run exports no final EMA');
  const peek = await stateEma(out, 0.1);
  assert.equal(peek.images, first.steps * 8);
  assert.deepEqual(
    Object.keys(peek.weights).sort(),
    Object.keys((await loadCheckpoint(runFiles.state(out))).tensors)
      .filter((k) => k.startsWith('param/'))
      .map((k) => k.slice(6))
      .sort(),
  );
  await assert.rejects(stateEma(out, 0.2), /keeps no EMA of σ_rel 0.2/);
  const second = await train(ds, idx, opts);
  assert.equal(second.finished, true);
  assert.equal(second.steps, 400);
  assert.ok(existsSync(runFiles.ema(out, 0.1)));
});

test('resuming drops the loss-log lines a killed run wrote after its last saved state', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'gl-train-log-')), 'loss.csv');
  writeFileSync(path, 'step,images,loss,images_per_s\n50,800,0.5,20\n100,1600,0.4,20\n150,2400,0.3,20\n');
  truncateLog(path, 120);
  assert.equal(readFileSync(path, 'utf8'), 'step,images,loss,images_per_s\n50,800,0.5,20\n100,1600,0.4,20\n');
  truncateLog(path, 100);
  assert.equal(readFileSync(path, 'utf8'), 'step,images,loss,images_per_s\n50,800,0.5,20\n100,1600,0.4,20\n');
});
