/**
 * Guidance cost: one batched CFG + PAG guided evaluation vs one forward pass of the 3× batch vs
 * three separate passes, on the main DiT and UNet at batch 1 (where per-call overhead dominates, as
 * when a notebook samples a few images) and batch 16 (compute-bound), with untrained weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { createDenoiser } from '../src/model/factory';
import { preset } from '../src/model/presets';
import { identityProcessor } from '../src/model/attention/processors';
import { NULL_LABEL } from '../src/model/denoiser';
import { cfg, guidedDenoiser, pag } from '../src/guidance';
import { sampleNoise } from '../src/random';

const BATCHES = [1, 16];
const REPEATS = 3;

/** Returns the median wall time in ms of `fn` (which must dispose what it makes) over REPEATS runs after one warm-up. */
async function time(fn: () => tf.Tensor): Promise<number> {
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const out = fn();
    await out.data();
    out.dispose();
    return performance.now() - t0;
  };
  await once();
  const ts: number[] = [];
  for (let i = 0; i < REPEATS; i++) ts.push(await once());
  return ts.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

/** Returns timings (ms) and the ratio guided / one 3× forward for `dit-main` and `unet-main`. */
export async function benchGuidance(): Promise<{ name: string; value: number; unit: string }[]> {
  await initBackend();
  const rows: { name: string; value: number; unit: string }[] = [];
  for (const name of ['dit-main', 'unet-main']) {
    const model = createDenoiser(preset(name), 0);
    const layer = model.attentionLayers.some((a) => a.name === 'mid.attn') ? 'mid.attn' : 'blocks.1.attn';
    for (const batch of BATCHES) {
      const labels = Array.from({ length: batch }, (_, i) => i % 10);
      const x = sampleNoise(
        [32, 32, 1],
        0,
        labels.map((_, i) => i),
      ) as tf.Tensor4D;
      const x3 = tf.concat([x, x, x]) as tf.Tensor4D;
      const guided = guidedDenoiser(
        model,
        [cfg({ gamma: 1 }), pag({ gamma: 3, layers: [layer] })],
        labels,
        labels.map((_, i) => i),
      );
      const tGuided = await time(() => guided(x, 1));
      const tBatch = await time(() => model.denoise(x3, 1, { labels: [...labels, ...labels, ...labels] }));
      const tSeparate = await time(() =>
        tf.tidy(() =>
          tf.stack([
            model.denoise(x, 1, { labels }),
            model.denoise(x, 1, { labels: labels.map(() => NULL_LABEL) }),
            model.denoise(x, 1, { labels }, { processors: { [layer]: identityProcessor } }),
          ]),
        ),
      );
      rows.push(
        { name: `${name} CFG+PAG guided step (batch ${batch})`, value: tGuided, unit: 'ms' },
        { name: `${name} one forward of batch ${3 * batch}`, value: tBatch, unit: 'ms' },
        { name: `${name} three separate forwards of batch ${batch}`, value: tSeparate, unit: 'ms' },
        { name: `${name} CFG+PAG / one 3× forward, batch ${batch} (target ≤ 1.2)`, value: tGuided / tBatch, unit: 'ratio' },
        { name: `${name} three separate / CFG+PAG, batch ${batch}`, value: tSeparate / tGuided, unit: 'ratio' },
      );
      tf.dispose([x, x3]);
    }
    model.net.params.dispose();
  }
  return rows;
}
