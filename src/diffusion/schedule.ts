/**
 * The Karras et al. (2022) noise-level schedule used by every sampler.
 */

/** Options of the Karras schedule (EDM defaults: ρ = 7, σ ∈ [0.002, 80]). */
export interface ScheduleOptions {
  sigmaMin?: number;
  sigmaMax?: number;
  rho?: number;
}

/**
 * Returns the `steps + 1` noise levels σ_0 > … > σ_{N−1} = σ_min, σ_N = 0:
 * σ_i = (σ_max^{1/ρ} + i/(N−1)(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ (one step: [σ_max, 0]).
 */
export function karrasSigmas(steps: number, opts: ScheduleOptions = {}): number[] {
  const { sigmaMin = 0.002, sigmaMax = 80, rho = 7 } = opts;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be an integer ≥ 1; got ${steps}`);
  if (!(sigmaMin > 0 && sigmaMax > sigmaMin && Number.isFinite(sigmaMax))) {
    throw new Error(`need 0 < sigmaMin < sigmaMax < ∞; got sigmaMin ${sigmaMin}, sigmaMax ${sigmaMax}`);
  }
  if (!(rho > 0 && Number.isFinite(rho))) throw new Error(`rho must be a finite number > 0; got ${rho}`);
  const hi = sigmaMax ** (1 / rho);
  const lo = sigmaMin ** (1 / rho);
  const sigmas = Array.from({ length: steps }, (_, i) => (steps === 1 ? sigmaMax : (hi + (i / (steps - 1)) * (lo - hi)) ** rho));
  return [...sigmas, 0];
}
