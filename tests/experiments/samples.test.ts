import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { classAccuracy, fid, pairedDifference, meanStatistic } from '../../src/metrics';
import { correctnessRun, featureRun, pointRuns, pointSamples } from '../../src/experiments/samples';
import { featureRows } from '../../src/metrics/featurizer';
import { sampleNoise } from '../../src/random';
import { testBackend } from '../test-backend';
import { projectionFeaturizer } from './fake-featurizer';

describe('per-sample records of a point', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  const featurizer = projectionFeaturizer({ dims: 12, seed: 4 });
  const indices = Array.from({ length: 40 }, (_, i) => i);
  const images = (seed: number) => tf.tidy(() => tf.tanh(sampleNoise([32, 32, 1], seed, indices)) as tf.Tensor4D);
  const labels = Array.from({ length: 40 }, (_, i) => i % 10);

  it('features survive float16 storage (relative 2⁻¹¹), and their FID moves by < 1e-3 relative', () => {
    const x = images(1);
    const s = pointSamples(
      x,
      labels,
      featurizer,
      1,
      Array.from({ length: 40 }, (_, i) => i),
    );
    const exact = featureRows(featurizer, x);
    const run = featureRun(s);
    assert.equal(run.space, featurizer.digest);
    assert.deepEqual([run.rows.n, run.rows.d], [40, 12]);
    run.rows.data.forEach((v, i) => assert.ok(Math.abs(v - exact.data[i]) <= Math.abs(exact.data[i]) * 2 ** -11 + 1e-7));
    const rows = (d: ArrayLike<number>) => Array.from({ length: 40 }, (_, i) => Array.from(d).slice(i * 12, (i + 1) * 12));
    const other = featureRows(featurizer, images(2));
    const f32 = fid(rows(exact.data), rows(other.data), { warn: () => undefined }).fid;
    const f16 = fid(rows(run.rows.data), rows(other.data), { warn: () => undefined }).fid;
    assert.ok(Math.abs(f16 - f32) < 1e-3 * f32, `${f16} vs ${f32}`);
    x.dispose();
  });

  it("correctness bytes average to classAccuracy of the featurizer's logits; none for unconditional samples", () => {
    const x = images(3);
    const s = pointSamples(
      x,
      labels,
      featurizer,
      3,
      Array.from({ length: 40 }, (_, i) => i),
    );
    const logits = featurizer.logits(x);
    const c = correctnessRun(s);
    assert.equal(Array.from(c.rows.data).reduce((a, b) => a + b, 0) / 40, classAccuracy(logits, labels));
    const u = pointSamples(
      x,
      undefined,
      featurizer,
      3,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.throws(() => correctnessRun(u), /no correctness \(unconditional samples\)/);
    tf.dispose([x, logits]);
  });

  it('rows of two points at the same seeds pair; a row without samples is refused', () => {
    const indices = Array.from({ length: 40 }, (_, i) => i);
    const rowsOf = (shift: number) =>
      [5, 6].map((seed) => {
        const x = tf.tidy(() => tf.add(images(seed), shift) as tf.Tensor4D);
        const samples = pointSamples(x, labels, featurizer, seed, indices);
        x.dispose();
        return { key: `k${seed}${shift}`, samples };
      });
    const [a, b] = [pointRuns(rowsOf(0), 'correctness'), pointRuns(rowsOf(0.2), 'correctness')];
    const d = pairedDifference(a, b, meanStatistic('class accuracy', 'max'), { resamples: 100 });
    assert.equal(d.seeds, 2);
    assert.throws(() => pointRuns([{ key: 'abcdef0123456789' }]), /row abcdef012345… has no per-sample record/);
  });
});
