/**
 * The two-class 2-D toy distribution in the spirit of Karras et al. 2024, Fig. 1 (our own
 * construction): each class is a branching tree of stretched Gaussian components. A branch is a
 * straight segment covered by a few elongated components; at its end it splits into children that
 * are shorter, thinner and lighter, so the density has structure at many scales, thin
 * low-probability tips, and regions between branches where the other class lives.
 */
import { Rng } from '../random';
import { SIGMA_DATA } from '../model/denoiser';
import { Component, GaussianMixture, gaussianMixture, mixtureMoments } from './mixture';

/** How each class's tree grows. */
export interface TreeOptions {
  /** Levels of branching (1 = a single trunk). */
  depth: number;
  /** Children per branch. */
  branches: number;
  /** Components covering one branch segment. */
  segmentComponents: number;
  /** Angle between neighbouring children, radians. */
  spread: number;
  /** Length and width factor from a branch to its children. */
  shrink: number;
  /** Width of the trunk relative to its length (the across-branch standard deviation). */
  width: number;
  /** Share of a branch's weight kept by its own segment; the rest goes to its children. */
  keep: number;
  /** Standard deviation of random angle and length perturbations (radians; relative length). */
  jitter: number;
  /** Start angle of each class's trunk, radians (its length is the number of classes). */
  angles: number[];
  seed: number;
}

/** The default tree: 2 classes, depth 5, binary branching, 2 components per segment (62 components per class). */
const TOY_TREE: Readonly<TreeOptions> = {
  depth: 5,
  branches: 2,
  segmentComponents: 2,
  spread: 0.9,
  shrink: 0.68,
  width: 0.07,
  keep: 0.3,
  jitter: 0.18,
  angles: [(Math.PI * 2) / 3 - 0.15, Math.PI / 3 + 0.15],
  seed: 1,
};

/**
 * Returns the toy mixture: one tree per entry of `angles`, all rooted at the origin, equal class
 * priors, then shifted to mean 0 and scaled so the RMS standard deviation per coordinate is
 * σ_data = 0.5 (the EDM preconditioning the learned denoisers use).
 */
export function toyMixture(options: Partial<TreeOptions> = {}): GaussianMixture {
  const o: TreeOptions = { ...TOY_TREE, ...options };
  for (const k of ['depth', 'branches', 'segmentComponents'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new Error(`tree option ${k} must be an integer ≥ 1; got ${o[k]}`);
  }
  for (const k of ['shrink', 'width', 'keep'] as const) {
    if (!(o[k] > 0 && o[k] <= 1)) throw new Error(`tree option ${k} must be in (0, 1]; got ${o[k]}`);
  }
  if (o.angles.length < 1) throw new Error('tree option angles needs one start angle per class');
  const classes = o.angles.map((angle, c) => {
    const out: Component[] = [];
    grow(new Rng(o.seed, c), o, { origin: [0, 0], angle, length: 1, width: o.width, weight: 1, depth: o.depth }, out);
    return out;
  });
  return normalise(gaussianMixture(classes));
}

/** One branch: where it starts, its direction, length, width, total weight (its own and its children's) and remaining levels. */
interface Branch {
  origin: [number, number];
  angle: number;
  length: number;
  width: number;
  weight: number;
  depth: number;
}

/** Appends the components of one branch (and, recursively, its children) to `out`. */
function grow(rng: Rng, o: TreeOptions, branch: Branch, out: Component[]): void {
  const { origin, angle, length, width, weight, depth } = branch;
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const own = depth > 1 ? weight * o.keep : weight;
  const piece = length / o.segmentComponents;
  // Along the branch: a component's standard deviation is half its piece, so neighbours overlap into one stroke.
  const along = (piece / 2) ** 2;
  const across = width ** 2;
  for (let i = 0; i < o.segmentComponents; i++) {
    const t = (i + 0.5) * piece;
    out.push({
      mean: [origin[0] + t * dx, origin[1] + t * dy],
      cov: [along * dx * dx + across * dy * dy, (along - across) * dx * dy, along * dy * dy + across * dx * dx],
      weight: own / o.segmentComponents,
    });
  }
  if (depth <= 1) return;
  const end: [number, number] = [origin[0] + length * dx, origin[1] + length * dy];
  const shrunk = { width: width * o.shrink, weight: (weight - own) / o.branches, depth: depth - 1 };
  for (let b = 0; b < o.branches; b++) {
    const offset = o.branches === 1 ? 0 : o.spread * (b / (o.branches - 1) - 0.5);
    const childAngle = angle + offset + o.jitter * rng.normal();
    const childLength = length * o.shrink * Math.exp(o.jitter * rng.normal());
    grow(rng, o, { origin: end, angle: childAngle, length: childLength, ...shrunk }, out);
  }
}

/** Returns the mixture shifted to mean 0 and scaled to RMS per-coordinate standard deviation σ_data. */
function normalise(m: GaussianMixture): GaussianMixture {
  const { mean, cov } = mixtureMoments(m);
  const s = SIGMA_DATA / Math.sqrt((cov[0] + cov[2]) / 2);
  const classes = m.classes.map((comps) =>
    comps.map((k) => ({
      mean: [(k.mean[0] - mean[0]) * s, (k.mean[1] - mean[1]) * s] as [number, number],
      cov: [k.cov[0] * s * s, k.cov[1] * s * s, k.cov[2] * s * s] as [number, number, number],
      weight: k.weight,
    })),
  );
  return gaussianMixture(classes, [...m.classPriors]);
}
