/**
 * Trainer throughput: images/s of `train()` (Adam, EMAs, loss log; no snapshots or saves inside the
 * window) for dit-main and unet-main at batch 16 on 1 and on 2 threads (data parallel, `--workers 2`),
 * each for a fixed wall time from a fresh run, and the 2-thread speed-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, splitDataset, type Dataset } from '../src/data';
import { preset } from '../src/model/presets';
import { DEFAULT_TRAIN, train } from '../src/train/trainer';
import type { Row } from './timing';

const SECONDS = 45;

/** Returns images/s of one fresh `SECONDS`-long run of `name` on `workers` threads. */
async function imagesPerSecond(ds: Dataset, trainIdx: Int32Array, name: string, workers: number): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'gl-bench-train-'));
  try {
    const r = await train(ds, trainIdx, {
      ...DEFAULT_TRAIN,
      out,
      config: preset(name),
      images: 1e7,
      batch: 16,
      snapshots: [],
      saveEverySeconds: 1e9,
      maxSeconds: SECONDS,
      workers,
      command: 'bench/training.ts',
    });
    return (r.steps * 16) / r.seconds;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Returns trainer images/s on 1 and 2 threads for both architectures, and the speed-ups. */
export async function benchTraining(): Promise<Row[]> {
  const ds = await loadDataset('mnist');
  const trainIdx = splitDataset(ds, { heldOut: 0.1, seed: 0 }).train;
  const rows: Row[] = [];
  for (const name of ['dit-main', 'unet-main']) {
    const one = await imagesPerSecond(ds, trainIdx, name, 1);
    const two = await imagesPerSecond(ds, trainIdx, name, 2);
    rows.push({ name: `${name} trainer, batch 16, 1 thread`, value: one, unit: 'images/s' });
    rows.push({ name: `${name} trainer, batch 16, 2 threads (--workers 2)`, value: two, unit: 'images/s' });
    rows.push({ name: `${name} trainer speed-up, 2 threads / 1`, value: two / one, unit: '×' });
  }
  return rows;
}
