/**
 * Per-row reductions for guidance updates: each row of `[batch, h, w, c]` is one sample's vector, so every
 * result depends only on that row, never on how rows are batched.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Returns ⟨a, b⟩ of each row, `[batch, 1, 1, 1]` (broadcasts against the rows). */
export function rowDot(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.sum(tf.mul(a, b), [1, 2, 3], true) as tf.Tensor4D;
}

/** Returns ‖a‖₂ of each row, `[batch, 1, 1, 1]`. */
export function rowNorm(a: tf.Tensor4D): tf.Tensor4D {
  return tf.sqrt(rowDot(a, a));
}

/** Returns num / den per row where den > 0, else `fallback`, `[batch, 1, 1, 1]` (no NaN from 0 / 0). */
export function safeRatio(num: tf.Tensor4D, den: tf.Tensor4D, fallback: number): tf.Tensor4D {
  const ok = tf.greater(den, 0);
  return tf.where(ok, tf.div(num, tf.where(ok, den, tf.onesLike(den))), tf.fill(den.shape, fallback)) as tf.Tensor4D;
}
