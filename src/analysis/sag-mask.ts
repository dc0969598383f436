/**
 * SAG's attention mask (Hong et al. 2023): keys that receive more than average self-attention,
 * laid out on the token grid and resized (nearest) to the image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resizeMaps } from './resample';

/**
 * Returns the 0/1 mask `[batch, H, W]` from self-attention probabilities `[batch, heads, queries, keys]`:
 * mean over heads, sum over queries, `> 1.0`, reshaped to `grid` `[h, w]` (default: square) and
 * resized (nearest) to `imageSize` `[H, W]` (or one number for a square image).
 */
export function sagMask(probs: tf.Tensor, imageSize: number | [number, number], grid?: [number, number]): tf.Tensor3D {
  if (probs.rank !== 4) {
    throw new Error(`sagMask takes attention probabilities [batch, heads, queries, keys]; got shape [${probs.shape.join(', ')}]`);
  }
  const [batch, , queries, keys] = probs.shape;
  if (queries !== keys) {
    throw new Error(
      `sagMask needs self-attention (queries = keys, so the average attention per key is 1); got ${queries} queries and ${keys} keys`,
    );
  }
  const [h, w] = grid ?? squareGrid(keys);
  if (h * w !== keys) throw new Error(`token grid [${h}, ${w}] holds ${h * w} tokens but the attention has ${keys} keys`);
  return tf.tidy(() => {
    const received = probs.mean(1).sum(1); // [batch, keys]
    const mask = received.greater(1.0).toFloat().reshape([batch, h, w]);
    return resizeMaps(mask, imageSize, 'nearest') as tf.Tensor3D;
  });
}

function squareGrid(tokens: number): [number, number] {
  const side = Math.round(Math.sqrt(tokens));
  if (side * side !== tokens) {
    throw new Error(`${tokens} keys do not form a square token grid; pass the layer's grid [h, w] (h·w = ${tokens})`);
  }
  return [side, side];
}
