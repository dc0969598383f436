/** Random translations of a batch of images, the classifier's only data augmentation. */
import type { Rng } from '../../random';

/**
 * Returns a copy of NHWC `images` (`count` images of `size`×`size`×`channels`, row-major) with each
 * image shifted by whole pixels in −maxShift…maxShift on both axes (from `rng`); uncovered pixels
 * get `fill` (the background, −1).
 */
export function shiftImages(
  images: Float32Array,
  count: number,
  size: number,
  channels: number,
  maxShift: number,
  rng: Rng,
  fill = -1,
): Float32Array {
  const per = size * size * channels;
  if (images.length !== count * per)
    throw new Error(`shiftImages: ${images.length} values are not ${count} images of ${size}×${size}×${channels}`);
  const out = new Float32Array(images.length).fill(fill);
  for (let n = 0; n < count; n++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const x0 = Math.max(0, -dx);
    const x1 = Math.min(size, size - dx);
    for (let y = Math.max(0, -dy); y < Math.min(size, size - dy); y++) {
      const src = n * per + (y * size + x0) * channels;
      const dst = n * per + ((y + dy) * size + x0 + dx) * channels;
      out.set(images.subarray(src, src + (x1 - x0) * channels), dst);
    }
  }
  return out;
}
