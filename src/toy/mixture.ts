/**
 * A class-conditional Gaussian mixture in 2-D: each class is a weighted set of Gaussian components
 * N(μ_i, Σ_i), the classes have prior weights. Built only through `gaussianMixture`, which checks
 * every covariance is positive-definite and every weight positive.
 */

/** One 2-D Gaussian component: mean, covariance [Σxx, Σxy, Σyy] and an unnormalised weight. */
export interface Component {
  mean: [number, number];
  cov: [number, number, number];
  weight: number;
}

/** A checked class-conditional mixture: per class its components with weights normalised to 1, and class priors summing to 1. */
export interface GaussianMixture {
  readonly classes: readonly (readonly Component[])[];
  readonly classPriors: readonly number[];
}

/**
 * Returns the checked mixture with normalised weights; throws on an empty class, a bad weight or a
 * covariance that is not positive-definite.
 */
export function gaussianMixture(classes: Component[][], classPriors?: number[]): GaussianMixture {
  if (classes.length === 0) throw new Error('a mixture needs at least one class');
  const priors = classPriors ?? classes.map(() => 1);
  if (priors.length !== classes.length) throw new Error(`${priors.length} class priors for ${classes.length} classes`);
  priors.forEach((p, c) => checkWeight(p, `class prior ${c}`));
  const priorSum = priors.reduce((a, b) => a + b, 0);
  const checked = classes.map((comps, c) => {
    if (comps.length === 0) throw new Error(`class ${c} has no components`);
    comps.forEach((k, i) => checkComponent(k, `class ${c}, component ${i}`));
    const total = comps.reduce((a, k) => a + k.weight, 0);
    return comps.map((k): Component => ({ mean: [k.mean[0], k.mean[1]], cov: [k.cov[0], k.cov[1], k.cov[2]], weight: k.weight / total }));
  });
  return { classes: checked, classPriors: priors.map((p) => p / priorSum) };
}

/** Returns the mean `[2]` and covariance [Σxx, Σxy, Σyy] of the whole (unconditional) mixture. */
export function mixtureMoments(m: GaussianMixture): { mean: [number, number]; cov: [number, number, number] } {
  let [mx, my, sxx, sxy, syy] = [0, 0, 0, 0, 0];
  m.classes.forEach((comps, c) => {
    for (const k of comps) {
      const w = m.classPriors[c] * k.weight;
      mx += w * k.mean[0];
      my += w * k.mean[1];
      sxx += w * (k.cov[0] + k.mean[0] ** 2);
      sxy += w * (k.cov[1] + k.mean[0] * k.mean[1]);
      syy += w * (k.cov[2] + k.mean[1] ** 2);
    }
  });
  return { mean: [mx, my], cov: [sxx - mx * mx, sxy - mx * my, syy - my * my] };
}

/**
 * Returns `m` with every component widened by s²I: the data blurred by N(0, s²I). Its exact denoiser
 * is a "bad version" of the true one that errs where the data has structure finer than s (an exact
 * stand-in for a weaker model, e.g. the guide of exact autoguidance).
 */
export function broadenMixture(m: GaussianMixture, s: number): GaussianMixture {
  if (!(s >= 0 && Number.isFinite(s))) throw new Error(`the broadening s must be a finite number ≥ 0; got ${s}`);
  const classes = m.classes.map((comps) => comps.map((k): Component => ({ ...k, cov: [k.cov[0] + s * s, k.cov[1], k.cov[2] + s * s] })));
  return gaussianMixture(classes, [...m.classPriors]);
}

function checkWeight(w: number, what: string): void {
  if (!(w > 0 && Number.isFinite(w))) throw new Error(`${what}: weight must be a finite number > 0; got ${w}`);
}

function checkComponent(k: Component, what: string): void {
  checkWeight(k.weight, what);
  if (k.mean?.length !== 2 || !k.mean.every(Number.isFinite)) {
    throw new Error(`${what}: the mean must be 2 finite numbers; got [${k.mean}]`);
  }
  if (k.cov?.length !== 3 || !k.cov.every(Number.isFinite)) {
    throw new Error(`${what}: the covariance must be 3 finite numbers [Σxx, Σxy, Σyy]; got [${k.cov}]`);
  }
  const [a, b, d] = k.cov;
  if (!(a > 0 && a * d - b * b > 0)) {
    throw new Error(`${what}: covariance [Σxx ${a}, Σxy ${b}, Σyy ${d}] is not positive-definite (needs Σxx > 0 and Σxx·Σyy − Σxy² > 0)`);
  }
}
