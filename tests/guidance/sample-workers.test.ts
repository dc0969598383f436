import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import type { Denoiser } from '../../src/model/denoiser';
import { apg, autoguidance, cfg, cfgpp, guidanceTerm, icg, pag, registerMethod, sag, slg, tpg, tsg } from '../../src/guidance';
import * as builders from '../../src/guidance/builders';
import { BUILT_IN_METHODS } from '../../src/guidance/methods';
import { NonFiniteSampleError, sample, type SampleOptions } from '../../src/guidance/sample';
import { closeSamplePool } from '../../src/guidance/sample-pool';
import { LruKeys, modelPayload, payloadModel, specTerm, termSpec } from '../../src/guidance/portable';
import type { GuidanceTerm } from '../../src/guidance/term';
import { TINY_DIT, TINY_UNET, tinyModel } from './helpers';
import { FIXED_LABEL_METHOD } from './throwaway-method';
import { testBackend } from '../test-backend';

/** Returns whether sample() may split batches on the active backend (wasm and cpu; TensorFlow uses its own threads). */
function splits(): boolean {
  return ['wasm', 'cpu'].includes(tf.getBackend());
}

describe('sample() on worker threads', () => {
  let dit: Denoiser;
  let unet: Denoiser;
  let guide: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    dit = tinyModel(TINY_DIT, 1);
    unet = tinyModel(TINY_UNET, 6);
    guide = tinyModel(TINY_UNET, 7);
  });
  after(async () => {
    await closeSamplePool();
    for (const m of [dit, unet, guide]) m.net.params.dispose();
  });

  const both = async (opts: SampleOptions): Promise<[Float32Array, Float32Array]> => {
    const one = await sample({ ...opts, workers: 1 });
    const two = await sample({ ...opts, workers: 2, warn: (m) => void (splits() && assert.fail(`unexpected notice: ${m}`)) });
    assert.deepEqual(two.shape, one.shape);
    const out: [Float32Array, Float32Array] = [one.dataSync() as Float32Array, two.dataSync() as Float32Array];
    tf.dispose([one, two]);
    return out;
  };

  it('gives bit-identical samples on 1 and 2 workers (5 uneven batches; CFG + PAG + SAG + TSG + ICG), leaking no tensor', async () => {
    const before = tf.memory().numTensors;
    const guidance = [
      cfg({ gamma: 1 }),
      pag({ gamma: 1 }),
      sag({ gamma: 0.5 }),
      tsg({ gamma: 0.5, s: 0.1, alpha: 0 }),
      icg({ gamma: 0.5, seed: 3 }),
    ];
    const [one, two] = await both({ model: dit, guidance, labels: [0, 1, 2, 3, 4, 5, 6, 7, 8], batchSize: 2, steps: 3, seed: 4 });
    // Each batch is the same rows with the same per-(seed, index) noise, sampled by the same code: equal to the bit, on any backend.
    assert.deepEqual(two, one);
    assert.equal(tf.memory().numTensors, before, 'no tensor left in this thread');
  });

  it('gives bit-identical samples with a combiner (APG momentum), a step owner (CFG++, Euler), TPG, SLG and stacked pairs', async () => {
    const before = tf.memory().numTensors;
    const labels = [0, 1, 2, 3, 4];
    const cases: { name: string; model: Denoiser; guidance: GuidanceTerm[]; sampler?: 'euler' }[] = [
      { name: 'apg', model: dit, guidance: [apg({ gamma: 1.5, eta: 0.5, r: 0.5, beta: 0.6 })] },
      { name: 'cfgpp', model: dit, guidance: [cfgpp({ gamma: 0.6 })], sampler: 'euler' },
      { name: 'tpg', model: unet, guidance: [tpg({ gamma: 1, seed: 2 })] },
      { name: 'slg', model: dit, guidance: [slg({ gamma: 1 })] },
      { name: 'apg + slg', model: dit, guidance: [apg({ gamma: 1, beta: 0.5 }), slg({ gamma: 0.5 })] },
      { name: 'cfgpp + pag', model: unet, guidance: [cfgpp({ gamma: 0.8 }), pag({ gamma: 0.5 })], sampler: 'euler' },
    ];
    const unguided = await sample({ model: dit, labels, batchSize: 2, steps: 3, seed: 2, workers: 1 });
    const plain = unguided.dataSync() as Float32Array;
    unguided.dispose();
    for (const { name, model, guidance, sampler } of cases) {
      // 3 uneven batches: a combiner's state is per batch (per row), as in one thread
      const [one, two] = await both({ model, guidance, labels, batchSize: 2, steps: 3, seed: 2, sampler });
      assert.deepEqual(two, one, `${name}: 2 workers give the bits of 1`);
      if (model === dit && !sampler) assert.notDeepEqual(one, plain, `${name}: the guidance acted`);
    }
    assert.equal(tf.memory().numTensors, before, 'no tensor left in this thread');
  });

  it('records the options of every built-in method, by guidanceTerm and by its public builder, and rebuilds it from them', () => {
    const wrapped = builders as Record<string, (o: never) => GuidanceTerm>;
    for (const d of BUILT_IN_METHODS) {
      const options: Record<string, unknown> = { gamma: 0.5 };
      for (const [k, p] of Object.entries(d.params)) {
        if (p.required && p.kind === 'model') options[k] = guide;
        else if (p.required) options[k] = p.range?.min ?? 1;
      }
      const camel = d.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      assert.equal(typeof wrapped[camel], 'function', `${d.name}: builders.ts exports its public builder ${camel}`);
      for (const term of [guidanceTerm(d.name, options), wrapped[camel](options as never)]) {
        const digests = new Map<string, Denoiser>();
        const digestOf = (m: Denoiser): string => {
          const key = `m${digests.size}`;
          digests.set(key, m);
          return key;
        };
        const spec = termSpec(term, digestOf);
        assert.ok(typeof spec === 'object', `${d.name}: ${String(spec)}`);
        assert.deepEqual(
          Object.keys(spec.models),
          Object.keys(options).filter((k) => d.params[k].kind === 'model'),
        );
        const rebuilt = specTerm(spec, (digest) => digests.get(digest) as Denoiser);
        assert.deepEqual([rebuilt.method, rebuilt.gamma, rebuilt.interval], [d.name, term.gamma, term.interval]);
        assert.deepEqual(
          termSpec(rebuilt, (m) => [...digests].find(([, v]) => v === m)?.[0] ?? 'none'),
          spec,
          `${d.name}: rebuilt alike`,
        );
      }
    }
  });

  it('sends models once per worker and rebuilds model-valued options (autoguidance), Heun on a UNet', async () => {
    const opts: SampleOptions = { model: unet, guidance: [autoguidance({ gamma: 1, guide })], n: 6, labels: 3, batchSize: 2, steps: 2 };
    const [one, two] = await both(opts);
    assert.deepEqual(two, one);
    // a changed weight is a new model (new digest): the workers get it, not their stale copy
    const v = [...unet.net.params.vars.values()][0];
    const old = v.clone();
    tf.tidy(() => v.assign(tf.add(v, 0.5)));
    const [one2, two2] = await both(opts);
    v.assign(old);
    old.dispose();
    assert.deepEqual(two2, one2);
    assert.notDeepEqual(two2, two, 'the changed weights changed the samples');
  });

  it('samples in this thread, with a notice, for processors, onStep, onGuidance, a function option or a local method', async (t) => {
    if (!splits()) return t.skip(`the ${tf.getBackend()} backend always samples in this thread`);
    const notices: string[] = [];
    const warn = (m: string) => void notices.push(m);
    const base: SampleOptions = { model: dit, labels: [1, 2, 3], batchSize: 1, steps: 2, workers: 2, warn };
    let steps = 0;
    const viaOnStep = await sample({ ...base, onStep: () => void steps++ });
    assert.equal(steps, 3 * 2, 'onStep ran for every step of every batch, here');
    assert.match(notices[0], /^sample: the 3 batches sample in this thread: onStep runs on the main thread/);
    await sample({ ...base, processors: () => undefined }).then((x) => x.dispose());
    assert.match(notices[1], /processors \(attention recorders\) run on the main thread/);
    const mask = (d: tf.Tensor4D) => tf.onesLike(d) as tf.Tensor4D;
    await sample({ ...base, guidance: [sag({ gamma: 0.5, strategy: 'external-mask', mask })] }).then((x) => x.dispose());
    assert.match(notices[2], /sag option mask is a function, which cannot cross threads/);
    const copied = { ...cfg({ gamma: 1 }) };
    await sample({ ...base, guidance: [copied] }).then((x) => x.dispose());
    assert.match(notices[3], /a cfg term was not made by a guidance-lab builder/);
    let updates = 0;
    await sample({ ...base, guidance: [apg({ gamma: 1 })], onGuidance: () => void updates++ }).then((x) => x.dispose());
    assert.match(notices[4], /the 3 batches sample in this thread: onGuidance runs on the main thread/);
    assert.equal(updates, 3 * 3, 'onGuidance saw the one term at every Heun evaluation of every batch, here');
    const unregister = registerMethod(FIXED_LABEL_METHOD);
    try {
      await sample({ ...base, guidance: [guidanceTerm('fixed-label', { gamma: 1, teacher: dit })] }).then((x) => x.dispose());
    } finally {
      unregister();
    }
    assert.match(notices[5], /fixed-label was registered in this thread \(registerMethod\), and worker threads know only the built-in/);
    assert.equal(notices.length, 6);
    const plain = await sample({ ...base, workers: 1 });
    assert.deepEqual(viaOnStep.dataSync(), plain.dataSync());
    tf.dispose([viaOnStep, plain]);
  });

  it('reports the first diverging batch as one thread does, and a worker-side error by its message; leaks nothing', async (t) => {
    if (!splits()) return t.skip(`the ${tf.getBackend()} backend always samples in this thread`);
    const before = tf.memory().numTensors;
    const diverging: SampleOptions = {
      model: dit,
      guidance: [cfg({ gamma: 1e38 })],
      labels: [1, 2, 3, 4],
      batchSize: 1,
      steps: 3,
      sampler: 'euler',
    };
    const errors: string[] = [];
    for (const workers of [1, 2]) {
      await assert.rejects(sample({ ...diverging, workers }), (e: unknown) => {
        assert.ok(e instanceof NonFiniteSampleError);
        errors.push(e.message);
        return true;
      });
    }
    assert.match(errors[1], /batch 1 of 4, seed 0/);
    assert.equal(errors[1], errors[0]);
    await assert.rejects(sample({ model: dit, labels: [1, 12], batchSize: 1, steps: 1, workers: 2 }), /label 12 at row 0 is not a class/);
    assert.equal(tf.memory().numTensors, before);
    // the pool survives job errors: the next call runs on it
    const [one, two] = await both({ model: dit, labels: [5, 6], batchSize: 1, steps: 1 });
    assert.deepEqual(two, one);
  });

  it('rejects a bad worker count naming it', async () => {
    for (const workers of [0, 1.5, -1]) {
      const message = new RegExp(`sample: workers must be an integer ≥ 1 \\(1 = this thread\\); got ${workers}`);
      await assert.rejects(sample({ model: dit, labels: [1], workers }), message);
    }
  });

  it('rebuilds a model from its payload exactly; the worker-side model set evicts least recently used first', () => {
    const p = modelPayload(dit);
    const copy = payloadModel(p);
    assert.equal(modelPayload(copy).digest, p.digest);
    assert.notEqual(modelPayload(unet).digest, p.digest);
    copy.net.params.dispose();
    const lru = new LruKeys(2);
    assert.deepEqual(lru.use('a'), { added: true, evicted: [] });
    assert.deepEqual(lru.use('b'), { added: true, evicted: [] });
    assert.deepEqual(lru.use('a'), { added: false, evicted: [] });
    assert.deepEqual(lru.use('c'), { added: true, evicted: ['b'] });
    assert.deepEqual(lru.use('b'), { added: true, evicted: ['a'] });
  });
});
