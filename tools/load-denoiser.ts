/** Loading a denoiser the way the tools name one: a shipped name, a model file, or a training run's folder. */
import { existsSync, statSync } from 'node:fs';
import { loadModel, loadShipped } from '../src/model';
import type { Denoiser } from '../src/model/denoiser';
import { stateDenoiser } from '../src/train';

/**
 * Returns the denoiser `what` names and a label for it: a run folder (of `guidance-lab train`, finished or not) gives its
 * saved state's EMA of length `sigmaRel` (the label says how many images it has seen), an existing file is loaded as a
 * model, anything else as a shipped model's name.
 */
export async function loadDenoiser(what: string, sigmaRel = 0.1): Promise<{ model: Denoiser; label: string }> {
  if (existsSync(what) && statSync(what).isDirectory()) {
    const { model, images } = await stateDenoiser(what, sigmaRel);
    return { model, label: `${what} (state after ${images} images, σ_rel ${sigmaRel})` };
  }
  const loaded = existsSync(what) ? await loadModel(what) : await loadShipped(what);
  return { model: loaded.model, label: what };
}
