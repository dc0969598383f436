import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { featureStats, fid, frechetDistance } from '../../src/metrics/fid';
import { Rng } from '../../src/random';
import ref from '../reference/fid.json';

const quiet = { warn: () => undefined };

describe('fid', () => {
  for (const c of ref.cases) {
    it(`matches pytorch-fid on the "${c.name}" case (1e-6 relative; absolute 1e-9 when the truth is 0)`, () => {
      const { fid: value, warnings } = fid(c.a, c.b, quiet);
      // "identical" is 0 up to scipy's sqrtm rounding (−4.7e-13): relative error to 0 is meaningless there.
      assert.ok(Math.abs(value - c.fid) <= Math.max(1e-6 * Math.abs(c.fid), 1e-9), `${value} vs ${c.fid}`);
      assert.deepEqual(warnings, []);
    });
  }

  it('mean and covariance (N − 1) match their definitions; cached statistics give the same FID', () => {
    const c = ref.cases[0];
    const s = featureStats(c.a);
    assert.equal(s.n, 400);
    // mu_a came from the unrounded features; the stored ones are rounded to 1e-6, so |error| ≤ 5e-7.
    for (let k = 0; k < 12; k++) assert.ok(Math.abs(s.mu[k] - c.mu_a[k]) <= 5e-7);
    const col = (k: number) => c.a.map((row) => row[k] - s.mu[k]);
    const direct = col(2).reduce((acc, v, i) => acc + v * col(5)[i], 0) / 399;
    assert.ok(Math.abs(s.sigma[2][5] - direct) < 1e-12 && s.sigma[5][2] === s.sigma[2][5]);
    const cached = JSON.parse(JSON.stringify(featureStats(c.b)));
    assert.ok(Math.abs(fid(s, cached, quiet).fid - c.fid) <= 1e-6 * c.fid);
  });

  it('equals the closed form for Gaussians with commuting covariances: |μ₁−μ₂|² + Σ(√a − √b)²', () => {
    const a = {
      mu: [1, 2, 0],
      sigma: [
        [4, 0, 0],
        [0, 1, 0],
        [0, 0, 9],
      ],
      n: 100,
    };
    const b = {
      mu: [0, 2, 3],
      sigma: [
        [1, 0, 0],
        [0, 9, 0],
        [0, 0, 0],
      ],
      n: 100,
    };
    const expected = 1 + 9 + (2 - 1) ** 2 + (1 - 3) ** 2 + (3 - 0) ** 2; // b is singular: still defined
    assert.ok(Math.abs(frechetDistance(a, b) - expected) < 1e-12);
  });

  it('warns (returned and reported) when a set has fewer samples than feature dims, suggesting KID', () => {
    const rng = new Rng(5);
    const small = Array.from({ length: 6 }, () => Array.from(rng.normals(8)));
    const big = Array.from({ length: 40 }, () => Array.from(rng.normals(8)));
    const seen: string[] = [];
    const r = fid(small, big, { warn: (m) => seen.push(m) });
    assert.ok(Number.isFinite(r.fid));
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /set 1 has 6 samples for 8 feature dims.*KID/);
    assert.deepEqual(seen, r.warnings);
  });

  it('rejects bad inputs with the values', () => {
    const a = ref.cases[0].a;
    assert.throws(
      () =>
        fid(
          a,
          a.map((row) => row.slice(0, 10)),
          quiet,
        ),
      /feature sets of different widths: first has 12 dims, second has 10/,
    );
    assert.throws(() => featureStats([a[0]]), /featureStats features need at least 2 samples; got 1/);
    assert.throws(() => featureStats([1, 2, 3]), /features must be 2D \[samples, dims\]; got shape \[3\]/);
    assert.throws(() => featureStats([[1, 2], [3]]), /not rectangular: row 1 has length 1, row 0 has 2/);
    assert.throws(
      () =>
        frechetDistance(
          { mu: [0, 0], sigma: [[1, 0]], n: 3 },
          {
            mu: [0, 0],
            sigma: [
              [1, 0],
              [0, 1],
            ],
            n: 3,
          },
        ),
      /first statistics: sigma must be \[2, 2\] to match mu \[2\]; got 1 rows/,
    );
  });
});
