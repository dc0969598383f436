import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COVARIANCE_TOLERANCE, featureStats, fid, frechetDistance } from '../../src/metrics/fid';
import { classAccuracy } from '../../src/metrics/accuracy';
import { kid } from '../../src/metrics/kid';
import { precisionRecall } from '../../src/metrics/precision-recall';
import { Rng } from '../../src/random';

const quiet = { warn: () => undefined };
const rows = (seed: number, n: number, d: number) => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from(rng.normals(d)));
};

test('FID, KID, precision/recall and class accuracy refuse non-finite features, naming the set, the entry and the count', () => {
  const good = rows(1, 12, 4);
  const withNaN = good.map((r) => r.slice());
  withNaN[3][2] = NaN;
  const withInf = good.map((r) => r.slice());
  withInf[5][0] = Infinity;
  withInf[7][1] = -Infinity;
  assert.throws(() => fid(withNaN, good, quiet), /set 1 features must be finite numbers; \[3, 2\] is NaN \(1 non-finite of 48\)/);
  assert.throws(() => kid(good, withInf), /second \(kid\) features must be finite numbers; \[5, 0\] is Infinity \(2 non-finite of 48\)/);
  assert.throws(() => precisionRecall(good, withNaN), /generated features must be finite numbers; \[3, 2\] is NaN/);
  assert.throws(() => precisionRecall(withInf, good), /real features must be finite numbers; \[5, 0\] is Infinity/);
  // NaN logits: argmax was −1, silently counted as a wrong prediction
  assert.throws(
    () =>
      classAccuracy(
        [
          [0, 1],
          [NaN, 2],
        ],
        [1, 1],
      ),
    /predictions must be finite numbers; \[1, 0\] is NaN/,
  );
});

test('frechetDistance refuses non-finite, asymmetric and non-PSD statistics and accepts rounding-level negatives', () => {
  const id = {
    mu: [0, 0],
    sigma: [
      [1, 0],
      [0, 1],
    ],
    n: 10,
  };
  assert.throws(() => frechetDistance({ ...id, mu: [0, NaN] }, id), /first statistics: mu\[1\] is NaN; statistics must be finite/);
  const infinite = {
    ...id,
    sigma: [
      [1, Infinity],
      [Infinity, 1],
    ],
  };
  assert.throws(() => frechetDistance(id, infinite), /second statistics: sigma\[0\]\[1\] is Infinity/);
  const asymmetric = {
    ...id,
    sigma: [
      [1, 0.5],
      [0, 1],
    ],
  };
  assert.throws(() => frechetDistance(id, asymmetric), /not symmetric: sigma\[0\]\[1\] = 0\.5 but sigma\[1\]\[0\] = 0 /);
  // −I: today tr Σ₁ + tr Σ₂ − 2 tr√(Σ₁Σ₂) gave 2 − 2 − 0 = 0 ("identical") for it against I
  const negative = {
    ...id,
    sigma: [
      [-1, 0],
      [0, -1],
    ],
  };
  assert.throws(() => frechetDistance(negative, id), /first statistics: sigma is not positive semi-definite .*smallest eigenvalue -1/);
  // indefinite with a small negative eigenvalue, far above rounding: eigenvalues 1 and −1e-3
  const e = -1e-3;
  const rotated = [
    [(1 + e) / 2, (1 - e) / 2],
    [(1 - e) / 2, (1 + e) / 2],
  ];
  assert.throws(() => frechetDistance(id, { ...id, sigma: rotated }), /second statistics: sigma is not positive semi-definite/);

  // Real data: 5 samples in 12 dims give a rank-4 covariance whose zero eigenvalues come out at ±1e-16 or so.
  const s = featureStats(rows(2, 5, 12));
  assert.ok(Math.abs(frechetDistance(s, s)) < 1e-9, 'a singular covariance from data is accepted; FID to itself is 0');
  // A negative eigenvalue just inside the tolerance passes, and the result matches the closed form for commuting Σ.
  const tiny = -0.5 * COVARIANCE_TOLERANCE;
  const a = {
    mu: [0, 0],
    sigma: [
      [1, 0],
      [0, tiny],
    ],
    n: 10,
  };
  assert.ok(Math.abs(frechetDistance(a, id) - ((1 - 1) ** 2 + (0 - 1) ** 2)) < 1e-6);
  assert.throws(
    () =>
      frechetDistance(
        {
          ...a,
          sigma: [
            [1, 0],
            [0, -2 * COVARIANCE_TOLERANCE],
          ],
        },
        id,
      ),
    /not positive semi-definite/,
  );
});
