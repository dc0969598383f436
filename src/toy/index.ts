/** The 2-D toy laboratory: a two-class Gaussian-mixture tree with exact noisy densities, scores and denoisers. */
export { toPoints, pointCount, checkPoints, checkSigma, checkLabels, type Points } from './points';
export { gaussianMixture, mixtureMoments, type Component, type GaussianMixture } from './mixture';
export { toyMixture, TOY_TREE, type TreeOptions } from './tree';
export { logDensity, dataLogDensity, score, exactDenoise, exactDenoiser, type ToyDenoiser } from './exact';
export { sampleData } from './sample-data';
