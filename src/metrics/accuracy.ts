/** Classification accuracy of a classifier's predictions against the intended labels. */
import * as tf from '@tensorflow/tfjs-core';
import { toFloat64Ndarray } from '../analysis/ndarray';

/**
 * Returns the share of samples whose prediction equals `labels[i]`: `predictions` are logits
 * `[n, classes]` (argmax taken; first maximum wins) or predicted labels `[n]`.
 */
export function classAccuracy(predictions: tf.Tensor | number[][] | number[], labels: ArrayLike<number>): number {
  const p = toFloat64Ndarray(predictions);
  if (p.dimension !== 1 && p.dimension !== 2) {
    throw new Error(`predictions must be logits [n, classes] or labels [n]; got shape [${p.shape.join(', ')}]`);
  }
  const n = p.shape[0];
  if (n === 0) throw new Error('classAccuracy needs at least 1 sample; got 0');
  if (labels.length !== n) throw new Error(`${n} predictions but ${labels.length} labels`);
  const classes = p.dimension === 2 ? p.shape[1] : 1;
  const bad = p.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`predictions must be finite numbers; [${Math.floor(bad / classes)}, ${bad % classes}] is ${p.data[bad]}`);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = p.data.subarray(i * classes, (i + 1) * classes);
    const predicted = p.dimension === 2 ? row.indexOf(Math.max(...row)) : row[0];
    if (predicted === labels[i]) correct++;
  }
  return correct / n;
}
