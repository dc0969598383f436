/** The 2-D toy laboratory: a two-class Gaussian-mixture tree with exact noisy densities, scores and denoisers. */
export { toPoints, checkPoints, checkSigma, checkLabels, type Points } from './points';
export { gaussianMixture, mixtureMoments, broadenMixture, type Component, type GaussianMixture } from './mixture';
export { toyMixture, type TreeOptions } from './tree';
export { logDensity, dataLogDensity, score, exactDenoise, exactDenoiser, type ToyDenoiser } from './exact';
export { sampleData } from './sample-data';
export { solveToy, toyNoise, pointDenoiser, type PointDenoiseFn, type ToySolveOptions } from './ode';
export { toyGuided, negativeTerm, toyCfg, toyAutoguidance, toyIcg, type ToyTerm, type ToyTermOptions } from './guidance';
export { toyReference, toyScores, type ToyReference, type ToyScores } from './metrics';
export { trainToyModel, toyModelConfig, learnedDenoiser, type ToyModelSize, type ToyTrainOptions, type ToyTrained } from './train';
export { gridPoints, gridHeight, densityMap, errorMap, arrows, type Extent, type GridMap } from './fields';
export { toySamples, type ToyRunOptions, type ToyBuild, type ToyScoreRow } from './study';
export { TOY_MODELS, TOY_DIR, shipToyModels, loadToyModels, type ToyModelSpec, type Shipped, type LoadedToyModel } from './models';
export { toySizes, type ToySizes } from './sizes';
