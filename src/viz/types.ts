/** Plain-data inputs of the viz builders: arrays and rows, never tensors. */

/** A grayscale image, row-major, values in [-1, 1] (clamped for display), with optional captions. */
export interface ImageInput {
  pixels: Float32Array | number[];
  height: number;
  width: number;
  label?: string;
  method?: string;
  gamma?: number;
}

/** A 2D map (attention, mask, spectrum) of height×width values, row-major. */
export interface MapInput {
  values: Float32Array | number[];
  height: number;
  width: number;
}
