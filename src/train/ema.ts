/**
 * EDM2's power-function EMA (Karras et al. 2024): several EMA lengths σ_rel tracked at once, so
 * the averaging length can be chosen after training.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Returns the exponent γ of the power-function EMA whose relative standard deviation is `sigmaRel`. */
export function sigmaRelToGamma(sigmaRel: number): number {
  if (!(sigmaRel > 0 && sigmaRel < 0.28)) throw new Error(`σ_rel must be in (0, 0.28); got ${sigmaRel}`);
  // σ_rel² = (γ+1) / ((γ+2)²(γ+3)): the largest root of γ³ + 7γ² + (16 − t)γ + (12 − t), t = σ_rel⁻².
  const t = 1 / (sigmaRel * sigmaRel);
  const f = (g: number): number => ((g + 7) * g + 16 - t) * g + 12 - t;
  let lo = 0;
  let hi = t;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** Averages of a parameter set, one per σ_rel. */
export class PowerEma {
  readonly gammas: number[];
  /** averages[i] holds the EMA with σ_rel = sigmaRels[i], by parameter name. */
  readonly averages: Map<string, tf.Variable>[];

  constructor(
    readonly sigmaRels: number[],
    params: Map<string, tf.Variable>,
  ) {
    this.gammas = sigmaRels.map(sigmaRelToGamma);
    this.averages = sigmaRels.map(() => {
      const m = new Map<string, tf.Variable>();
      for (const [name, v] of params)
        m.set(
          name,
          tf.tidy(() => tf.variable(v.clone(), false)),
        );
      return m;
    });
  }

  /** Updates every average after optimizer step `step` (1-based): β = (1 − 1/step)^(γ+1). */
  update(step: number, params: Map<string, tf.Variable>): void {
    tf.tidy(() => {
      this.gammas.forEach((g, i) => {
        const beta = Math.pow(1 - 1 / step, g + 1);
        for (const [name, v] of params) {
          const avg = this.averages[i].get(name)!;
          avg.assign(tf.add(tf.mul(avg, beta), tf.mul(v, 1 - beta)));
        }
      });
    });
  }

  /** Returns the name of an average in a training state, e.g. `ema0.10/dit.pos`. */
  static key(sigmaRel: number, name: string): string {
    return `ema${sigmaRel.toFixed(3)}/${name}`;
  }

  /** Disposes every average. */
  dispose(): void {
    for (const m of this.averages) for (const v of m.values()) v.dispose();
  }
}
