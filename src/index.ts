/**
 * guidance-lab: see and measure diffusion guidance. The one import a notebook needs.
 */
export const version = '0.1.0';
export * as tf from '@tensorflow/tfjs-core';
export * from './backend';
export * from './random';
export * from './data';
export * from './model';
export * from './diffusion';
export * from './guidance';
export * from './analysis';
export * from './metrics';
export * as toy from './toy';
export * from './train';
export * from './experiments';
export * from './viz';
export { notebookSizes, mergeSizes, PRESET_SIZES } from './notebook/sizes';
export { figureDir } from './notebook/figure-dir';
export type { NotebookSizes, NotebookSizesOverride, CommonSizes, SizeName } from './notebook/sizes';
export { toImages } from './notebook/images';
export {
  sampleAcrossGamma,
  guidanceSteps,
  disposeSteps,
  directionsByMethod,
  stepPanels,
  signedImage,
  attentionRows,
  attentionMask,
  heldOutDigits,
} from './notebook/inside';
export type { AcrossGammaOptions, GuidanceStep, StepColumn } from './notebook/inside';
export { saveRows } from './notebook/rows';
export { openStudy, Study, curveRows, kidRows, accRows, mean } from './notebook/study';
export type { Row, Measured, MeasureOptions, OpenStudyOptions } from './notebook/study';
export type { StudyPoint } from './notebook/study';
export { keyedFunction } from './notebook/point-cache';
export { sweepLayers, layerBars, layerDifference } from './notebook/layers';
export type { LayerSweep } from './notebook/layers';
export {
  rankStudy,
  rankPoints,
  rankingTable,
  rankingCharts,
  saveRanking,
  compareRows,
  comparisonTable,
  comparisonChart,
  studyStatistics,
  formatInterval,
} from './notebook/ranking';
export type { StudyRanking, MethodRanking, RankingOptions, RankingStatistics, Versus, Comparison } from './notebook/ranking';
