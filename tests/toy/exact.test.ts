import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NULL_LABEL } from '../../src/model/denoiser';
import { dataLogDensity, exactDenoise, logDensity, score } from '../../src/toy/exact';
import { broadenMixture, gaussianMixture, mixtureMoments } from '../../src/toy/mixture';
import { toPoints } from '../../src/toy/points';
import { sampleData } from '../../src/toy/sample-data';
import { toyMixture } from '../../src/toy/tree';

const m = toyMixture();
const probes = toPoints([
  [0, 0],
  [-0.3, 0.2],
  [0.25, -0.4],
  [0.9, 0.3],
  [-1.2, 0.1],
  [0.05, 0.6],
]);
const LABELS = [0, 1, NULL_LABEL];

describe('toy mixture: exact noisy density, score and denoiser', () => {
  it('is centred with RMS standard deviation σ_data = 0.5, and its samples have those moments', () => {
    const { mean, cov } = mixtureMoments(m);
    assert.ok(Math.hypot(mean[0], mean[1]) < 1e-12);
    assert.ok(Math.abs(Math.sqrt((cov[0] + cov[2]) / 2) - 0.5) < 1e-12);
    const { points } = sampleData(m, 40000, 3);
    const n = points.length / 2;
    let [sx, sy, sxx, syy] = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      sx += points[2 * i];
      sy += points[2 * i + 1];
      sxx += points[2 * i] ** 2;
      syy += points[2 * i + 1] ** 2;
    }
    // Standard error of a mean with per-coordinate std ≈ 0.5 over 40 000 samples is 0.0025.
    assert.ok(Math.abs(sx / n) < 0.01 && Math.abs(sy / n) < 0.01, `sample mean (${sx / n}, ${sy / n})`);
    assert.ok(Math.abs((sxx / n - cov[0]) / cov[0]) < 0.03 && Math.abs((syy / n - cov[2]) / cov[2]) < 0.03);
  });

  it('has a score equal to central finite differences of the log density', () => {
    const h = 1e-5;
    for (const sigma of [0.01, 0.1, 1, 5]) {
      for (const label of LABELS) {
        const s = score(m, probes, sigma, label);
        for (let i = 0; i < probes.length; i++) {
          const up = probes.slice();
          const down = probes.slice();
          up[i] += h;
          down[i] -= h;
          const fd = (logDensity(m, up, sigma, label)[i >> 1] - logDensity(m, down, sigma, label)[i >> 1]) / (2 * h);
          const what = `σ ${sigma}, label ${label}, coordinate ${i}: score ${s[i]} vs ${fd}`;
          assert.ok(Math.abs(fd - s[i]) <= 1e-5 * Math.max(1, Math.abs(fd)), what);
        }
      }
    }
  });

  it('integrates to 1 over the plane, and p_σ(x) = Σ_c P(c) p_σ(x | c)', () => {
    const sigma = 0.1;
    const [lo, hi, steps] = [-3, 3, 300];
    const dx = (hi - lo) / steps;
    const grid = new Float64Array(2 * steps * steps);
    for (let i = 0; i < steps; i++) {
      for (let j = 0; j < steps; j++) grid.set([lo + (i + 0.5) * dx, lo + (j + 0.5) * dx], 2 * (i * steps + j));
    }
    for (const label of LABELS) {
      const mass = logDensity(m, grid, sigma, label).reduce((a, l) => a + Math.exp(l), 0) * dx * dx;
      assert.ok(Math.abs(mass - 1) < 1e-3, `label ${label}: mass ${mass}`);
    }
    const [l0, l1, lu] = LABELS.map((l) => logDensity(m, probes, 0.2, l));
    lu.forEach((v, i) => {
      const mixed = m.classPriors[0] * Math.exp(l0[i]) + m.classPriors[1] * Math.exp(l1[i]);
      assert.ok(Math.abs(Math.exp(v) - mixed) < 1e-12 * Math.exp(v) + 1e-300);
    });
  });

  it('matches Monte-Carlo estimates: p_σ(x | c) = E[N(x; x₀, σ²I)] and D(x; σ, c) = E[x₀ | x] over data samples x₀', () => {
    const sigma = 0.25;
    for (const label of [0, 1]) {
      const { points: x0 } = sampleData(m, 200000, 11 + label, label);
      const n = x0.length / 2;
      const exactP = logDensity(m, probes, sigma, label).map(Math.exp);
      const exactD = exactDenoise(m, probes, sigma, label);
      for (let p = 0; p < probes.length / 2; p++) {
        let [s, s2, wx, wy] = [0, 0, 0, 0];
        for (let j = 0; j < n; j++) {
          const d2 = (probes[2 * p] - x0[2 * j]) ** 2 + (probes[2 * p + 1] - x0[2 * j + 1]) ** 2;
          const k = Math.exp(-d2 / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma);
          s += k;
          s2 += k * k;
          wx += k * x0[2 * j];
          wy += k * x0[2 * j + 1];
        }
        const mean = s / n;
        const se = Math.sqrt(Math.max(s2 / n - mean * mean, 0) / n);
        assert.ok(Math.abs(mean - exactP[p]) <= 4 * se + 1e-9, `label ${label}, probe ${p}: MC ${mean} ± ${se} vs exact ${exactP[p]}`);
        if (exactP[p] > 0.05) {
          const err = Math.hypot(wx / s - exactD[2 * p], wy / s - exactD[2 * p + 1]);
          const what = `label ${label}, probe ${p}: E[x₀|x] MC (${wx / s}, ${wy / s}) vs D (${exactD[2 * p]}, ${exactD[2 * p + 1]})`;
          assert.ok(err < 0.02, what);
        }
      }
    }
  });

  it('denoises to the point itself as σ → 0 and to the (class) mean as σ → ∞', () => {
    const { points, labels } = sampleData(m, 200, 5);
    const d = exactDenoise(m, points, 1e-4, labels);
    for (let i = 0; i < points.length; i++) assert.ok(Math.abs(d[i] - points[i]) < 1e-4, `coordinate ${i}: ${d[i]} vs ${points[i]}`);
    for (const label of LABELS) {
      const sub = label === NULL_LABEL ? m : gaussianMixture([[...m.classes[label]].map((k) => ({ ...k }))]);
      const { mean } = mixtureMoments(sub);
      const far = exactDenoise(m, probes, 1e4, label);
      for (let p = 0; p < probes.length / 2; p++) assert.ok(Math.hypot(far[2 * p] - mean[0], far[2 * p + 1] - mean[1]) < 1e-6);
    }
  });

  it('broadened by s, gives at σ the original density at √(σ² + s²), and refuses a bad s', () => {
    const b = broadenMixture(m, 0.1);
    for (const label of LABELS) {
      const [lb, lm] = [logDensity(b, probes, 0.2, label), logDensity(m, probes, Math.hypot(0.2, 0.1), label)];
      lb.forEach((v, i) => assert.ok(Math.abs(v - lm[i]) < 1e-9, `label ${label}, probe ${i}: ${v} vs ${lm[i]}`));
    }
    assert.throws(() => broadenMixture(m, -1), /broadening s must be a finite number ≥ 0; got -1/);
  });

  it('at σ = 0 gives the data density, the σ → 0 limit of the noisy one', () => {
    const clean = dataLogDensity(m, probes, 0);
    const noisy = logDensity(m, probes, 1e-7, 0);
    clean.forEach((v, i) => assert.ok(Math.abs(v - noisy[i]) < 1e-6 * Math.max(1, Math.abs(v))));
  });

  it('samples deterministically from a seed, row i independent of n', () => {
    const a = sampleData(m, 50, 9);
    const b = sampleData(m, 80, 9);
    assert.deepEqual(a.points, b.points.subarray(0, 100));
    assert.deepEqual(a.labels, b.labels.subarray(0, 50));
    assert.notDeepEqual(a.points, sampleData(m, 50, 10).points);
    assert.ok(sampleData(m, 100, 1, 1).labels.every((l) => l === 1));
  });

  it('refuses a wrong dimension, σ ≤ 0, an unknown class and a covariance that is not positive-definite', () => {
    assert.throws(() => toPoints([[0, 0, 0]]), /point 0 has 3 coordinates.*exactly 2/);
    assert.throws(() => logDensity(m, new Float64Array(3), 1, 0), /odd length 3/);
    assert.throws(() => score(m, probes, 0, 0), /σ must be a finite number > 0; got 0/);
    assert.throws(() => exactDenoise(m, probes, -1, 0), /got -1/);
    assert.throws(() => exactDenoise(m, probes, NaN, 0), /got NaN/);
    assert.throws(() => logDensity(m, probes, 1, 2), /unknown class 2.*classes are 0 … 1/);
    assert.throws(() => logDensity(m, probes, 1, [0, 1]), /2 labels for 6 points/);
    assert.throws(() => sampleData(m, 3, 0, 0.5), /unknown class 0.5/);
    const comp = { mean: [0, 0] as [number, number], cov: [1, 2, 1] as [number, number, number], weight: 1 };
    assert.throws(() => gaussianMixture([[comp]]), /class 0, component 0: covariance \[Σxx 1, Σxy 2, Σyy 1\] is not positive-definite/);
    assert.throws(() => gaussianMixture([[{ ...comp, cov: [-1, 0, -1] }]]), /not positive-definite/);
    assert.throws(() => gaussianMixture([[{ ...comp, cov: [1, 0, 1], weight: 0 }]]), /weight must be a finite number > 0; got 0/);
    assert.throws(() => gaussianMixture([[]]), /class 0 has no components/);
  });
});
