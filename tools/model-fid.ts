/**
 * The unguided FID of whole models at the studies' full size (seeds 0–4 × 64 samples, Heun 12, the shipped classifier's
 * space, 300 within-seed resamples), each with its bootstrap interval and its FID in the feature autoencoder's space: how
 * good a model is before any guidance, e.g. whether an unconditional model is within 1.5× of the conditional one (07's
 * TSG condition) as its training goes on.
 *   GUIDANCE_LAB_BACKEND=tensorflow node --import tsx tools/model-fid.ts [--sigma-rel 0.1] <shipped name | model file | run folder>...
 * A run folder (of `guidance-lab train`, finished or not) is read from its saved state's EMA of length --sigma-rel. A model
 * with 0 classes samples unconditionally; a conditional one with labels cycling 0…9 (as every study point).
 */
import { existsSync, statSync } from 'node:fs';
import { initBackend } from '../src/backend';
import { loadModel, loadShipped } from '../src/model';
import type { Denoiser } from '../src/model/denoiser';
import { formatInterval, rankPoints, studyStatistics } from '../src/notebook/ranking';
import { PRESET_SIZES } from '../src/notebook/sizes';
import { openStudy } from '../src/notebook/study';
import { stateDenoiser } from '../src/train';
import { option } from './argv';

/** Returns the denoiser named by `what` and a description of it (images seen, for a run folder's state). */
async function load(what: string, sigmaRel: number): Promise<{ model: Denoiser; label: string }> {
  if (existsSync(what) && statSync(what).isDirectory()) {
    const { model, images } = await stateDenoiser(what, sigmaRel);
    return { model, label: `${what} (state after ${images} images, σ_rel ${sigmaRel})` };
  }
  const loaded = existsSync(what) ? await loadModel(what) : await loadShipped(what);
  return { model: loaded.model, label: what };
}

async function main(): Promise<void> {
  const sigmaRel = Number(option('sigma-rel', '0.1'));
  const args = process.argv.slice(2);
  const models = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (models.length === 0 || !(sigmaRel > 0)) {
    throw new Error(
      `usage: model-fid.ts [--sigma-rel 0.1] <shipped name | model.safetensors | run folder>...; got ${process.argv.slice(2).join(' ')}`,
    );
  }
  const backend = await initBackend();
  const sizes = PRESET_SIZES.full;
  const study = await openStudy(sizes, { log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const statistics = studyStatistics(study);
    console.log(`${backend}; ${sizes.seeds.length} seeds × ${sizes.samples} samples, ${sizes.steps} ${sizes.sampler} steps; 300 resamples`);
    for (const what of models) {
      const { model, label } = await load(what, sigmaRel);
      try {
        const from = study.points.length;
        await study.unguidedRows(model);
        const [family] = rankPoints(study.points.slice(from), statistics, { resamples: 300 }).families;
        const ae = rankPoints(study.points.slice(from), { ...statistics, primary: statistics.secondSpace! }, { resamples: 300 })
          .families[0];
        console.log(`${label}: ${family.family} FID ${formatInterval(family.unguided!)}; autoencoder ${formatInterval(ae.unguided!)}`);
      } finally {
        model.net.params.dispose();
      }
    }
  } finally {
    study.dispose();
  }
}

void main();
