import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { karrasSigmas } from '../../src/diffusion';
import ref from '../reference/edm.json';

describe('karrasSigmas', () => {
  for (const [steps, expected] of [
    [18, ref.schedule_18],
    [32, ref.schedule_32],
  ] as const) {
    it(`matches edm.json for ${steps} steps (float64, 1e-12 relative), final 0`, () => {
      const s = karrasSigmas(steps);
      assert.equal(s.length, expected.length);
      s.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-12 * Math.max(1, expected[i]), `σ_${i} ${v} vs ${expected[i]}`));
      assert.equal(s[s.length - 1], 0);
    });
  }

  it('one step is [σ_max, 0]', () => assert.deepEqual(karrasSigmas(1), [80, 0]));

  it('rejects bad steps and ranges with the values', () => {
    assert.throws(() => karrasSigmas(0), /steps must be an integer ≥ 1; got 0/);
    assert.throws(() => karrasSigmas(2.5), /got 2.5/);
    assert.throws(() => karrasSigmas(18, { sigmaMin: 1, sigmaMax: 0.5 }), /sigmaMin 1, sigmaMax 0.5/);
    assert.throws(() => karrasSigmas(18, { rho: 0 }), /rho .* got 0/);
  });
});
