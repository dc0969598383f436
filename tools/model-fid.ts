/**
 * The unguided FID of whole models at the studies' full size (seeds 0–4 × 64 samples, Heun 12, the shipped classifier's
 * space, 300 within-seed resamples), each with its bootstrap interval and its FID in the feature autoencoder's space: how
 * good a model is before any guidance, e.g. whether an unconditional model is within 1.5× of the conditional one (07's
 * TSG condition) as its training goes on.
 *   GUIDANCE_LAB_BACKEND=tensorflow node --import tsx tools/model-fid.ts [--sigma-rel 0.1] <shipped name | model file | run folder>...
 * A run folder (of `guidance-lab train`, finished or not) is read from its saved state's EMA of length --sigma-rel. A model
 * with 0 classes samples unconditionally; a conditional one with labels cycling 0…9 (as every study point).
 */
import { initBackend } from '../src/backend';
import { bootstrapInterval } from '../src/metrics/stats';
import { formatInterval, recordRuns, studyStatistics } from '../src/notebook/ranking';
import { PRESET_SIZES } from '../src/notebook/sizes';
import { openStudy } from '../src/notebook/study';
import { option } from './argv';
import { loadDenoiser } from './load-denoiser';

/** The rankings' bootstrap (rankStudy's defaults but 300 resamples, as 03–08 use). */
const BOOT = { resamples: 300, seed: 0, scheme: 'within-seed' } as const;

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
    console.log(
      `${backend}; ${sizes.seeds.length} seeds × ${sizes.samples} samples, ${sizes.steps} ${sizes.sampler} steps; ${BOOT.resamples} resamples`,
    );
    for (const what of models) {
      const { model, label } = await loadDenoiser(what, sigmaRel);
      try {
        const rows = await study.unguidedRows(model);
        const fid = bootstrapInterval(recordRuns(rows, 'features'), statistics.primary, BOOT);
        const fidAe = bootstrapInterval(recordRuns(rows, 'ae'), statistics.secondSpace!, BOOT);
        const kind = `${model.config.arch}${model.config.classes === 0 ? ' unconditional' : ''}`;
        console.log(`${label}: ${kind} FID ${formatInterval(fid)}; autoencoder ${formatInterval(fidAe)}`);
      } finally {
        model.net.params.dispose();
      }
    }
  } finally {
    study.dispose();
  }
}

void main();
