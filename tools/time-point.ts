/**
 * Times one study point at the full size's sampler (what `npm run figures` spends per point) and one FID bootstrap
 * replicate of 5 seeds' worth of samples (what a ranking spends per resample), to size `FULL` in src/notebook/sizes.ts.
 *   GUIDANCE_LAB_BACKEND=tensorflow node --import tsx tools/time-point.ts [--samples 256] [--method cfg] [--gamma 1] [--replicates 20]
 * Prints wall and CPU seconds (all threads of this process: what the 2-core budget pays, whatever else the machine runs) per
 * point, denoiser rows per CPU second (samples × evaluations × rows per evaluation), and the same per bootstrap replicate.
 */
import { initBackend } from '../src/backend';
import { guidanceTerm } from '../src/guidance';
import { loadShipped } from '../src/model';
import { bootstrapInterval, fidStatistic } from '../src/metrics/stats';
import { featureRun } from '../src/experiments/samples';
import { PRESET_SIZES, mergeSizes } from '../src/notebook/sizes';
import { openStudy } from '../src/notebook/study';
import { option } from './argv';

async function main(): Promise<void> {
  const backend = await initBackend();
  const samples = Number(option('samples', '256'));
  const method = option('method', 'cfg');
  const gamma = Number(option('gamma', '1'));
  const replicates = Number(option('replicates', '20'));
  const sizes = mergeSizes(PRESET_SIZES.full, { samples, seeds: [0] });
  const study = await openStudy(sizes);
  try {
    const model = (await loadShipped('mnist-unet-main')).model;
    const terms = method === 'unguided' ? [] : [guidanceTerm(method, { gamma })];
    const t0 = Date.now();
    const c0 = process.cpuUsage();
    const m = await study.measure(model, terms, 0, { keepSamples: true });
    const seconds = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(c0);
    const evaluations = sizes.sampler === 'heun' ? 2 * sizes.steps - 1 : sizes.steps;
    const rows = samples * evaluations * (terms.length + 1);
    console.log(
      `${backend}: ${method} γ=${gamma}, ${samples} samples, ${sizes.steps} ${sizes.sampler} steps (${evaluations} evaluations): ` +
        `${seconds.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU per point (sampling and measuring), ${(rows / cpu).toFixed(0)} denoiser rows ` +
        `per CPU second; FID ${m.fid?.toFixed(3)}`,
    );
    const run = featureRun(m.samples!);
    const runs = [0, 1, 2, 3, 4].map((seed) => ({ ...run, seed }));
    const fid = fidStatistic({ stats: study.reference.stats, space: study.classifier.digest });
    const t1 = Date.now();
    const c1 = process.cpuUsage();
    bootstrapInterval(runs, fid, { resamples: replicates, scheme: 'within-seed' });
    const [wall, cpuPer] = [(Date.now() - t1) / 1000 / replicates, cpuSeconds(c1) / replicates];
    console.log(
      `FID bootstrap over 5 × ${samples} samples: ${wall.toFixed(3)} s wall, ${cpuPer.toFixed(3)} s CPU per replicate (${replicates} replicates)`,
    );
  } finally {
    study.dispose();
  }
}

/** Returns the CPU seconds (user + system, every thread) this process used since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

void main();
