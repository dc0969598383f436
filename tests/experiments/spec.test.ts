import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { expandGrid, parseGridShare, parseSpec, pointKey, gridShareItems, secondSource } from '../../src/experiments';

const BASE = { model: 'm', methods: [{ method: 'cfg' }], gammas: [0, 1], n: 4 };

test('spec errors name the bad value and the allowed ones', () => {
  assert.throws(
    () => parseSpec({ ...BASE, methods: [{ method: 'cgf' }] }),
    /unknown methods\[0\]\.method "cgf"; allowed: cfg, sag, pag, seg, autoguidance, icg, tsg, sims/,
  );
  assert.throws(
    () => parseSpec({ ...BASE, methods: [{ method: 'pag', params: { layer: 'mid.attn' } }] }),
    /unknown pag parameter "layer"; pag parameters: interval, layers/,
  );
  assert.throws(
    () => parseSpec({ ...BASE, methods: [{ method: 'cfg', params: { gamma: 2 } }] }),
    /unknown cfg parameter "gamma".*γ comes from "gammas"/,
  );
  assert.throws(
    () => parseSpec({ ...BASE, methods: [{ method: 'autoguidance' }] }),
    /methods\[0\]\.guide .*must be a non-empty string; got undefined/,
  );
  assert.throws(() => parseSpec({ ...BASE, methods: [{ method: 'cfg', guide: 'x' }] }), /cfg takes no "guide" model/);
  assert.throws(() => parseSpec({ ...BASE, gammas: [] }), /gammas must be a non-empty list of numbers; got \[\]/);
  assert.throws(() => parseSpec({ ...BASE, gammas: [1, '2'] }), /gammas: "2" is not a valid value/);
  assert.throws(() => parseSpec({ ...BASE, gammas: 1 }), /gammas must be a non-empty list/);
  assert.throws(() => parseSpec({ ...BASE, n: 1 }), /n must be an integer ≥ 2; got 1/);
  assert.throws(() => parseSpec({ ...BASE, sampler: 'ddim' }), /unknown sampler "ddim"; allowed: heun, euler/);
  assert.throws(
    () => parseSpec({ ...BASE, metrics: ['fid', 'is'] }),
    /unknown metric "is"; metrics: fid, kid, precisionRecall, classAccuracy/,
  );
  assert.throws(() => parseSpec({ ...BASE, gamma: [1] }), /unknown field "gamma"; fields: model, methods, gammas/);
  assert.throws(() => parseSpec({ ...BASE, labels: 'random' }), /labels must be "balanced" or a class number ≥ 0; got "random"/);
  const ok = parseSpec({ ...BASE, methods: [{ method: 'sims', negative: 'other', params: { interval: [0.1, 5] } }] });
  assert.deepEqual(ok.methods, [{ method: 'sims', params: { interval: [0.1, 5] }, negative: 'other' }]);
});

test('--shard: k/n out of range or malformed is refused, naming the value', () => {
  assert.throws(() => parseGridShare('0/3'), /--shard 0\/3: k must be in 1…n/);
  assert.throws(() => parseGridShare('4/3'), /k = 4, n = 3/);
  assert.throws(() => parseGridShare('1/0'), /--shard 1\/0/);
  assert.throws(() => parseGridShare('a/b'), /--shard must look like k\/n.*got "a\/b"/);
  assert.deepEqual(parseGridShare(' 2/5 '), { k: 2, n: 5 });
});

test('shards k = 1…n cover the grid exactly once, for n = 1…7', () => {
  const spec = parseSpec({
    ...BASE,
    methods: [{ method: 'cfg' }, { method: 'pag' }, { method: 'icg' }],
    gammas: [0, 0.5, 1],
    seeds: [0, 1],
  });
  const grid = expandGrid(spec);
  assert.equal(grid.length, 3 * 3 * 2);
  const digests = { models: { m: 'd' }, featurizer: 'f', reference: 'r' };
  const keys = grid.map((p) => pointKey(p, digests));
  assert.equal(new Set(keys).size, grid.length, 'every point has its own key');
  for (let n = 1; n <= 7; n++) {
    const seen = Array.from({ length: n }, (_, k) => gridShareItems(grid, { k: k + 1, n }).map((p) => pointKey(p, digests))).flat();
    assert.deepEqual([...seen].sort(), [...keys].sort(), `n = ${n}`);
    // the same shard is the same points every time (deterministic)
    assert.deepEqual(gridShareItems(expandGrid(spec), { k: 1, n }), gridShareItems(grid, { k: 1, n }));
  }
});

test('cache key: sha256 of the sorted-key JSON of the point and its own digests only', () => {
  const spec = parseSpec({
    ...BASE,
    methods: [{ method: 'autoguidance', guide: 'g', params: { interval: [0.5, 2] } }],
    gammas: [1.5],
    seeds: [3],
  });
  const [p] = expandGrid(spec);
  const digests = { models: { m: 'dm', g: 'dg', unrelated: 'x' }, featurizer: 'df', reference: 'dr' };
  const text =
    '{"digests":{"featurizer":"df","models":{"g":"dg","m":"dm"},"reference":"dr"},' +
    '"point":{"gamma":1.5,"guide":"g","labels":"balanced","method":"autoguidance",' +
    '"metrics":["fid","kid","precisionRecall","classAccuracy"],"model":"m","n":4,"params":{"interval":[0.5,2]},' +
    '"reference":{"dataset":"mnist","n":1000,"split":"heldOut"},"sampler":"heun","seed":3,"steps":18}}';
  assert.equal(pointKey(p, digests), createHash('sha256').update(text).digest('hex'));
  // an unrelated model's digest does not matter; the point's own checkpoints and the featurizer do
  assert.equal(pointKey(p, { ...digests, models: { m: 'dm', g: 'dg' } }), pointKey(p, digests));
  assert.notEqual(pointKey(p, { ...digests, models: { ...digests.models, g: 'other' } }), pointKey(p, digests));
  assert.notEqual(pointKey(p, { ...digests, featurizer: 'other' }), pointKey(p, digests));
  assert.notEqual(pointKey({ ...p, gamma: 1.25 }, digests), pointKey(p, digests));
  assert.throws(() => pointKey(p, { ...digests, models: { m: 'dm' } }), /no checkpoint digest for model "g"; known: m/);
  // no second space: the key above, whether `second` is missing or undefined (every existing cache key stays)
  assert.equal(pointKey(p, { ...digests, second: undefined }), createHash('sha256').update(text).digest('hex'));
  // a second space (the autoencoder's) is part of the digests, after "reference" in key order
  const second = { featurizer: 'dae', reference: 'dar' };
  const withSecond = text.replace('"reference":"dr"}', '"reference":"dr","second":{"featurizer":"dae","reference":"dar"}}');
  assert.equal(pointKey(p, { ...digests, second }), createHash('sha256').update(withSecond).digest('hex'));
  assert.notEqual(pointKey(p, { ...digests, second: { ...second, reference: 'other' } }), pointKey(p, { ...digests, second }));
});

test('autoencoder: true or a checkpoint path; false is the same spec as none', () => {
  assert.equal(parseSpec({ ...BASE, autoencoder: true }).autoencoder, true);
  assert.equal(parseSpec({ ...BASE, autoencoder: 'ae.safetensors' }).autoencoder, 'ae.safetensors');
  assert.deepEqual(parseSpec({ ...BASE, autoencoder: false }), parseSpec(BASE));
  assert.equal('autoencoder' in parseSpec(BASE), false, 'a spec without it keeps its old canonical JSON (grid id)');
  assert.throws(() => parseSpec({ ...BASE, autoencoder: 10 }), /autoencoder must be true .*, or false \(none\); got 10/);
  assert.throws(() => parseSpec({ ...BASE, autoencoder: '' }), /autoencoder must be true .*; got ""/);
  assert.throws(() => parseSpec({ ...BASE, autoencoders: true }), /unknown field "autoencoders"; fields: .*classifier, autoencoder/);
  assert.equal(secondSource(parseSpec(BASE)), undefined, 'no second space to load');
});
