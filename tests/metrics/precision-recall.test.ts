import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { precisionRecall } from '../../src/metrics/precision-recall';
import ref from '../reference/precision_recall.json';

describe('precisionRecall', () => {
  it('matches precision_recall.json (k = 3)', () => {
    assert.deepEqual(precisionRecall(ref.real, ref.generated, ref.k), { precision: ref.precision, recall: ref.recall });
  });

  it('counts points by hand on a line: radius = distance to the k-th nearest other point, boundary included', () => {
    // real {0, 1, 2, 3}, k = 1: every radius is 1; generated {0.5, 4, 10} (k = 1 radii 3.5, 3.5, 6).
    const r = precisionRecall([[0], [1], [2], [3]], [[0.5], [4], [10]], 1);
    assert.equal(r.precision, 2 / 3); // 0.5 and 4 (at distance exactly 1 from 3) inside; 10 outside
    assert.equal(r.recall, 1); // every real point is within 3.5 of 0.5 or 4
  });

  it('rejects bad inputs with the values', () => {
    assert.throws(() => precisionRecall(ref.real, ref.generated, 70), /k must be an integer in \[1, 69\] .*got 70/);
    assert.throws(
      () =>
        precisionRecall(
          ref.real,
          ref.generated.map((r) => r.slice(1)),
        ),
      /different widths: real has 5 dims, generated has 4/,
    );
    assert.throws(() => precisionRecall([[1, 2]], ref.generated), /real features need at least 2 samples; got 1/);
  });
});
