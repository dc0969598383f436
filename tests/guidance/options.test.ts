import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { autoguidance, guidanceTerm, pag, sag, seg, sims } from '../../src/guidance';
import { sample } from '../../src/guidance/sample';
import { parseSpec } from '../../src/experiments';
import type { Denoiser } from '../../src/model/denoiser';
import { TINY_UNET, tinyModel } from './helpers';
import { testBackend } from '../test-backend';

before(async () => {
  await initBackend(testBackend());
});

const LIST = /option layers must be a list of attention layer names \(e\.g\. \["mid\.attn"\]\); got "mid\.attn"/;

test('a string where a list of layers is expected is refused when the term is built, never read letter by letter', () => {
  assert.throws(() => pag({ gamma: 1, layers: 'mid.attn' as unknown as string[] }), LIST);
  assert.throws(() => seg({ gamma: 1, layers: 'mid.attn' as unknown as string[] }), LIST);
  assert.throws(() => guidanceTerm('pag', { gamma: 1, layers: 'mid.attn' }), LIST);
  assert.throws(
    () => sag({ layer: ['mid.attn'] as unknown as string }),
    /sag: option layer must be one attention layer name \(a string, e\.g\. "mid\.attn"\); got \["mid\.attn"\]/,
  );
  assert.throws(
    () => pag({ gamma: 1, interval: '0,1' as unknown as [number, number] }),
    /pag: option interval must be a list of two numbers \[lo, hi\]; got "0,1"/,
  );
  assert.throws(() => pag({ gamma: 1, layer: 'mid.attn' } as never), /pag: unknown option "layer"; pag options: gamma, interval, layers/);
  assert.doesNotThrow(() => pag({ gamma: 1, layers: ['mid.attn'] }));
});

test('a sweep spec is refused at parse time for a string list or a value its method refuses', () => {
  const base = { model: 'm', gammas: [0, 1], n: 4 };
  assert.throws(
    () => parseSpec({ ...base, methods: [{ method: 'pag', params: { layers: 'mid.attn' } }] }),
    /^Error: methods\[0\]: pag: option layers must be a list/,
  );
  assert.throws(
    () => parseSpec({ ...base, methods: [{ method: 'seg', params: { sigma: -1 } }] }),
    /methods\[0\]: seg: σ must be > 0 .*got -1/,
  );
  assert.throws(
    () => parseSpec({ ...base, methods: [{ method: 'pag' }], gammas: [1, -2] }),
    /methods\[0\]: pag: γ must be a finite number ≥ 0; got -2/,
  );
  assert.throws(
    () => parseSpec({ ...base, methods: [{ method: 'tsg', params: { s: 1 } }] }),
    /methods\[0\]: tsg: α must be finite; got undefined/,
  );
  assert.equal(parseSpec({ ...base, methods: [{ method: 'pag', params: { layers: ['mid.attn'] } }] }).methods.length, 1);
});

test('autoguidance without a guide and sims without a negative name the missing model before any sampling', async () => {
  const model = tinyModel(TINY_UNET);
  const noGuide = autoguidance({ gamma: 1 } as unknown as { gamma: number; guide: Denoiser });
  await assert.rejects(
    sample({ model, guidance: [noGuide], labels: [1], steps: 1 }),
    /autoguidance needs a model as option guide \(the weaker model it guides with\); none was given/,
  );
  const noNegative = guidanceTerm('sims', { gamma: 1 });
  assert.throws(() => noNegative.check(model), /sims needs a model as option negative \(the self-trained negative\); none was given/);
  assert.throws(
    () => sims({ gamma: 1, negative: 'mnist-unet-main' as unknown as Denoiser }),
    /sims: option negative must be a Denoiser \(a loaded model\); got "mnist-unet-main"/,
  );
  model.net.params.dispose();
});
