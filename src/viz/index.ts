/** guidance-lab viz: Vega-Lite spec builders over plain arrays and rows, Node rendering (SVG/PNG) and notebook display. */
export type { ImageInput, MapInput } from './types';
export type { Direction } from './summary';
export { sampleGrid, type GridLayout, type SampleGridOptions } from './specs/grid';
export { gammaSliderGrid, GAMMA_STEP, type GammaSliderOptions } from './specs/gamma-slider';
export {
  attentionOverlay,
  attentionGrid,
  sagMaskOverlay,
  type AttentionOverlayOptions,
  type AttentionGridOptions,
  type HeadMap,
  type OverlayOptions,
} from './specs/attention';
export { attentionRowExplorer, HOVER_QUERY, type AttentionVariant, type AttentionRowExplorerOptions } from './specs/attention-rows';
export {
  spectrumHeatmap,
  radialSpectrum,
  type Spectrum2D,
  type SpectrumHeatmapOptions,
  type RadialCurve,
  type RadialSpectrumOptions,
} from './specs/spectrum';
export { metricCurves, PICK_METHOD, type MetricRow, type MetricCurvesOptions } from './specs/curves';
export { differenceChart, type DifferenceRow, type DifferenceChartOptions } from './specs/difference';
export {
  parameterHeatmap,
  variantBars,
  type GridRow,
  type ParameterHeatmapOptions,
  type VariantRow,
  type VariantBarsOptions,
} from './specs/heatmap';
export {
  sigmaCurves,
  deltaSpectrumCurves,
  guidanceVectorViewer,
  vectorOverview,
  PICK_SIGMA,
  PICK_VIEW_METHOD,
  type SigmaRow,
  type SigmaCurvesOptions,
  type SigmaSpectrum,
  type DeltaSpectrumOptions,
  type VectorViewCell,
  type VectorViewerOptions,
  type OverviewCell,
  type VectorOverviewOptions,
} from './specs/guidance-vectors';
export {
  toyPanels,
  toyGammaSlider,
  type ToyPanel,
  type ToyPanelsOptions,
  type ToyBackground,
  type ToyPoint,
  type ToyArrow,
  type ToyPathPoint,
  type ToySliderRow,
  type ToyGammaSliderOptions,
} from './specs/toy';
export { toSvg, toPng, svgToPng, svgWidth, saveFigure, fontFile, FONT_CANDIDATES, type RenderedPng, type SavedFigure } from './render';
export { show, showImage, displayBundle, VEGALITE_MIME, type DisplayBundle, type ShowResult } from './show';
export { encodeGrayPng, grayPngDataUrl, pngSize } from './png';
export { FONT_FAMILY, MAX_FIGURE_WIDTH } from './theme';
