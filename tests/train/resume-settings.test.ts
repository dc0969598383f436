import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { type Dataset, loadDataset, splitDataset } from '../../src/data';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { DEFAULT_TRAIN, type TrainOptions, runFiles, train } from '../../src/train/trainer';
import { testBackend } from '../test-backend';

let ds: Dataset;
let idx: Int32Array;

before(async () => {
  process.env.GUIDANCE_LAB_QUIET = '1';
  await initBackend(testBackend());
  ds = await loadDataset('mnist');
  idx = splitDataset(ds, { heldOut: 0.1, seed: 0 }).train;
});

function options(out: string): TrainOptions {
  return {
    ...DEFAULT_TRAIN,
    out,
    images: 16,
    batch: 8,
    warmup: 16,
    sigmaRels: [0.05, 0.1],
    exportSigmaRel: 0.1,
    snapshots: [1],
    saveEverySeconds: 1e9,
    logEverySteps: 1,
    command: 'test',
    config: { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 },
  };
}

/** Returns the steps of a run's loss log and how many header lines it has. */
function logSteps(out: string): { headers: number; steps: number[] } {
  const lines = readFileSync(runFiles.log(out), 'utf8').trim().split('\n');
  return {
    headers: lines.filter((l) => l.startsWith('step,')).length,
    steps: lines.filter((l) => !l.startsWith('step,')).map((l) => Number(l.split(',')[0])),
  };
}

test('a resume with other settings is refused with the saved and new values; a T already passed is refused; a longer T continues truthfully', async () => {
  const out = mkdtempSync(join(tmpdir(), 'gl-resume-'));
  const opts = options(out);
  const first = await train(ds, idx, opts);
  assert.deepEqual([first.steps, first.finished], [2, true]);
  const again = await train(ds, idx, opts);
  assert.deepEqual([again.steps, again.finished], [2, true], 'rerunning the same command on a finished run does nothing');
  await assert.rejects(train(ds, idx, { ...opts, batch: 4, lr: 2e-3 }), (e: Error) => {
    assert.match(e.message, /was trained with other settings/);
    assert.match(e.message, /\n {2}batch: saved 8, now 4\n {2}lr: saved 0\.001, now 0\.002\n/);
    return true;
  });
  await assert.rejects(train(ds, idx, { ...opts, seed: 2 }), /seed: saved 1, now 2/);
  await assert.rejects(train(ds, idx, { ...opts, loss: { ...opts.loss, labelDropout: 0 } }), /loss\.labelDropout: saved 0\.15, now 0/);
  await assert.rejects(
    train(ds, idx.subarray(0, 1000), opts),
    new RegExp(`training split: saved "${idx.length} images, digest \\w+", now "1000 images, digest \\w+"`),
  );
  await assert.rejects(
    train({ ...ds, name: 'fashion-mnist' }, idx, opts),
    new RegExp(`dataset: saved "mnist \\(${ds.count} images\\)", now "fashion-mnist \\(${ds.count} images\\)"`),
  );
  await assert.rejects(
    train(ds, idx, { ...opts, images: 8 }),
    /has already trained on 16 images \(step 2, T saved 16\); images 8 ends at step 1: give more than 16 images/,
  );

  const longer = await train(ds, idx, { ...opts, images: 32 });
  assert.deepEqual([longer.steps, longer.finished], [4, true]);
  const card = (await loadCheckpoint(runFiles.ema(out, 0.1))).metadata.training as { images: number; totalImages: number };
  assert.deepEqual([card.images, card.totalImages], [32, 32]);
  assert.deepEqual(logSteps(out), { headers: 1, steps: [1, 2, 3, 4] });
});

test('a run that died before its first state save leaves no duplicated header or steps in the loss log', async () => {
  const out = mkdtempSync(join(tmpdir(), 'gl-resume-log-'));
  // What a run killed after logging 3 steps and before its first state save leaves behind.
  writeFileSync(runFiles.log(out), 'step,images,loss,images_per_s\n1,8,0.9,10\n2,16,0.8,10\n3,24,0.7,10\n');
  await train(ds, idx, options(out));
  assert.deepEqual(logSteps(out), { headers: 1, steps: [1, 2] });
});
