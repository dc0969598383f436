/** A sample grid with a γ slider: the same noise at several guidance weights, one γ shown at a time. */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { themed } from '../theme';
import type { ImageInput } from '../types';
import { checkImage, imageUrl, pixelScale } from './image';
import { wrappedCells } from './grid';

/** Options of gammaSliderGrid. */
export interface GammaSliderOptions {
  /** Columns per row (default: all images of one γ in one row, at most 10). */
  columns?: number;
  /** Display pixels per image pixel (default: about 96 px per image). */
  pixelSize?: number;
  /** The γ shown before the slider moves (and in the static PNG; default: the largest). */
  initialGamma?: number;
  title?: string;
}

const WHERE = 'gammaSliderGrid';

/** The slider's signal name: the index of the shown γ in ascending order. */
export const GAMMA_STEP = 'gammaStep';

/**
 * Returns a Vega-Lite spec showing the images of one γ at a time, with a range slider (signal GAMMA_STEP, the index of
 * γ in ascending order) that flips between γ values. Every γ must have the same number of images (one per starting
 * noise, in the same order), each captioned "γ=<γ> · <label>".
 */
export function gammaSliderGrid(images: readonly ImageInput[], options: GammaSliderOptions = {}): TopLevelSpec {
  check.nonEmpty(WHERE, 'images', images);
  images.forEach((im, i) => checkImage(WHERE, `images[${i}]`, im));
  images.forEach((im, i) => {
    check.sameSize(WHERE, 'images[0]', images[0].height, images[0].width, `images[${i}]`, im.height, im.width);
    if (im.gamma === undefined || !Number.isFinite(im.gamma))
      throw new Error(`${WHERE}: images[${i}].gamma is ${String(im.gamma)}; every image needs a finite γ`);
  });
  const gammas = [...new Set(images.map((im) => im.gamma as number))].sort((a, b) => a - b);
  const perGamma = gammas.map((g) => images.filter((im) => im.gamma === g));
  perGamma.forEach((group, i) => {
    if (group.length !== perGamma[0].length) {
      throw new Error(
        `${WHERE}: γ = ${gammas[i]} has ${group.length} images, γ = ${gammas[0]} has ${perGamma[0].length}; give every γ the same noise, one image each`,
      );
    }
  });
  const initialGamma = options.initialGamma ?? gammas[gammas.length - 1];
  const initial = gammas.indexOf(initialGamma);
  if (initial < 0) throw new Error(`${WHERE}: initialGamma is ${initialGamma}; it must be one of the images' γ: ${gammas.join(', ')}`);
  const scale = pixelScale(WHERE, images[0].width, options.pixelSize);
  const perRow = perGamma[0].length;
  const columns = options.columns === undefined ? Math.min(perRow, 10) : check.positiveInt(WHERE, 'columns', options.columns);
  const cells = perGamma.flatMap((group, step) =>
    group.map((im, place) => ({
      caption: `γ=${gammas[step]}${im.label === undefined ? '' : ` · ${im.label}`}`,
      url: imageUrl(im, scale),
      place,
      step,
    })),
  );
  const layout = wrappedCells(cells, columns, images[0].width * scale, images[0].height * scale);
  return themed({
    ...(options.title === undefined ? {} : { title: options.title }),
    params: [
      {
        name: GAMMA_STEP,
        value: initial,
        bind: { input: 'range', min: 0, max: gammas.length - 1, step: 1, name: `γ (${gammas.join(', ')}) ` },
      },
    ],
    ...layout,
    transform: [{ filter: `datum.step == ${GAMMA_STEP}` }],
  } as TopLevelSpec);
}
