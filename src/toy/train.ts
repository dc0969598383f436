/**
 * Training of the toy's learned denoisers: point MLPs (`MlpNetwork`) trained on fresh exact samples
 * with the project's EDM loss (label dropout to the null class), Adam and power-function EMA; the
 * returned model holds the EMA weights. Deterministic from the seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Denoiser, MlpConfig } from '../model/denoiser';
import { createDenoiser } from '../model/factory';
import { Rng } from '../random';
import { Adam } from '../train/adam';
import { PowerEma } from '../train/ema';
import { EDM_LOSS, LossOptions, edmLoss } from '../train/loss';
import type { ToyDenoiser } from './exact';
import type { GaussianMixture } from './mixture';
import { sampleData } from './sample-data';
import { pointDenoiser } from './ode';

/** The size of a point MLP. */
export type ToyModelSize = Pick<MlpConfig, 'width' | 'depth' | 'embDim'>;

/** How a toy denoiser is trained. */
export interface ToyTrainOptions {
  steps: number;
  batch: number;
  /** Adam learning rate; after `lrRef` steps it decays as lr/√(step/lrRef) (EDM2's schedule). */
  lr: number;
  /** Step after which the learning rate decays (default: never). */
  lrRef?: number;
  /** EMA length σ_rel of the returned weights (EDM2's power EMA). */
  emaSigmaRel: number;
  seed: number;
  loss?: LossOptions;
  /** Record the loss every this many steps (default 50). */
  logEvery?: number;
}

/** A trained toy denoiser (EMA weights), its config, and the loss recorded along the way. */
export interface ToyTrained {
  model: Denoiser;
  config: MlpConfig;
  /** [step, batch loss] every `logEvery` steps. */
  losses: [number, number][];
  seconds: number;
}

/** Returns the MLP config for points of `mixture` with `size`. */
export function toyModelConfig(mixture: GaussianMixture, size: ToyModelSize): MlpConfig {
  return { arch: 'mlp', imageSize: 1, channels: 2, classes: mixture.classes.length, ...size };
}

/** Returns a toy denoiser trained from `seed` on fresh samples of `mixture` (weights: the EMA). */
export function trainToyModel(mixture: GaussianMixture, size: ToyModelSize, opts: ToyTrainOptions): ToyTrained {
  const { steps, batch, lr, lrRef = Infinity, emaSigmaRel, seed, loss = EDM_LOSS, logEvery = 50 } = opts;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`steps must be an integer ≥ 1; got ${steps}`);
  if (!(Number.isInteger(batch) && batch >= 1)) throw new Error(`batch must be an integer ≥ 1; got ${batch}`);
  if (!(lr > 0 && Number.isFinite(lr))) throw new Error(`lr must be a finite number > 0; got ${lr}`);
  const start = Date.now();
  const config = toyModelConfig(mixture, size);
  const model = createDenoiser(config, seed);
  const params = model.net.params.vars;
  const names = [...params.keys()];
  const adam = new Adam(params);
  const ema = new PowerEma([emaSigmaRel], params);
  const rng = new Rng(seed, 0x7e57);
  const losses: [number, number][] = [];
  try {
    for (let step = 1; step <= steps; step++) {
      const data = sampleData(mixture, batch, seed, undefined, (step - 1) * batch);
      const images = tf.tensor4d(Float32Array.from(data.points), [batch, 1, 1, 2]);
      const { value, grads } = tf.variableGrads(
        () => edmLoss(model, images, data.labels, rng, loss),
        names.map((n) => params.get(n)!),
      );
      const byName = new Map<string, tf.Tensor>(names.map((n) => [n, grads[params.get(n)!.name]]));
      adam.apply(params, byName, lr / Math.sqrt(Math.max(step / lrRef, 1)));
      ema.update(step, params);
      if (step % logEvery === 0 || step === steps) losses.push([step, value.dataSync()[0]]);
      tf.dispose([images, value, ...Object.values(grads)]);
    }
    tf.tidy(() => {
      for (const [name, v] of params) v.assign(ema.averages[0].get(name)!);
    });
  } catch (e) {
    model.net.params.dispose();
    throw e;
  } finally {
    adam.dispose();
    ema.dispose();
  }
  return { model, config, losses, seconds: (Date.now() - start) / 1000 };
}

/** Returns a trained model as a toy point denoiser D(x; σ, c) `[2n]` (the shared `Denoiser.denoise` on `[n, 1, 1, 2]`). */
export function learnedDenoiser(model: Denoiser): ToyDenoiser {
  return (x, sigma, labels) => pointDenoiser((t, s) => model.denoise(t, s, { labels }))(x, sigma);
}
