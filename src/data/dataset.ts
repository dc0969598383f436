/**
 * The in-memory data set: 32×32×1 images in [−1, 1] (28×28 digits padded by 2 px of background −1)
 * and integer class labels.
 */

export const IMAGE_SIZE = 32;
const SOURCE_SIZE = 28;
const PAD = (IMAGE_SIZE - SOURCE_SIZE) / 2;

/** A labelled image set; `images` is `[count, 32, 32, 1]` NHWC row-major, values in [−1, 1]. */
export interface Dataset {
  name: string;
  images: Float32Array;
  labels: Int32Array;
  count: number;
  height: 32;
  width: 32;
  channels: 1;
  classes: number;
  classNames?: string[];
}

/**
 * Returns a Dataset from `count` 28×28 byte images (`pixels`, 0 = background, 255 = ink) and their
 * labels; `classNames` fixes the class count, otherwise it is the largest label + 1. Errors name `source`.
 */
export function datasetFromBytes(name: string, pixels: Uint8Array, labels: Uint8Array, source: string, classNames?: string[]): Dataset {
  const perImage = SOURCE_SIZE * SOURCE_SIZE;
  const count = labels.length;
  if (pixels.length !== count * perImage) {
    throw new Error(`${source}: ${pixels.length / perImage} images of ${SOURCE_SIZE}×${SOURCE_SIZE} but ${count} labels; expected one label per image`);
  }
  let maxLabel = -1;
  for (const l of labels) maxLabel = Math.max(maxLabel, l);
  const classes = classNames?.length ?? maxLabel + 1;
  if (maxLabel >= classes) throw new Error(`${source}: label ${maxLabel} out of range; expected 0..${classes - 1} (${classNames?.join(', ')})`);

  const out = IMAGE_SIZE * IMAGE_SIZE;
  const images = new Float32Array(count * out).fill(-1);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < SOURCE_SIZE; y++) {
      const src = n * perImage + y * SOURCE_SIZE;
      const dst = n * out + (y + PAD) * IMAGE_SIZE + PAD;
      for (let x = 0; x < SOURCE_SIZE; x++) images[dst + x] = pixels[src + x] / 127.5 - 1;
    }
  }
  return { name, images, labels: Int32Array.from(labels), count, height: 32, width: 32, channels: 1, classes, classNames };
}
