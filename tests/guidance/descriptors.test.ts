import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { methodDescriptors } from '../../src/guidance/registry';
import { BUILT_IN_METHODS } from '../../src/guidance/methods';
import { methodsTable } from '../../src/guidance/methods-table';
import type { GuidanceTerm, ParamSpec } from '../../src/guidance/term';
import { methodFlags } from '../../src/cli/method-flags';
import type { Denoiser } from '../../src/model/denoiser';
import { TINY_UNET, tinyModel } from './helpers';
import { testBackend } from '../test-backend';

let model: Denoiser;
before(async () => {
  await initBackend(testBackend());
  model = tinyModel(TINY_UNET);
});

/** Returns a valid value of a required parameter (a model, or a number inside its range). */
function validValue(p: ParamSpec): unknown {
  if (p.kind === 'model') return model;
  const r = p.range ?? {};
  return r.min ?? (r.above !== undefined ? r.above + 1 : 1);
}

/** Returns the options filling every required parameter of `params` but `skip`. */
function required(params: Record<string, ParamSpec>, skip?: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([k, p]) => p.required && k !== skip)
      .map(([k, p]) => [k, validValue(p)]),
  );
}

/** Returns the term built from `opts` and checked on the model, or throws what building or checking threw. */
function buildAndCheck(build: (o: never) => GuidanceTerm, opts: Record<string, unknown>): GuidanceTerm {
  const t = build(opts as never);
  t.check(model);
  return t;
}

test("every method's declared bounds, choices, required parameters and γ default are what its builder enforces", () => {
  for (const d of methodDescriptors()) {
    const base = required(d.params);
    // a choice may need a function parameter (SAG's external-mask needs its mask)
    const functions = Object.fromEntries(
      Object.keys(d.params)
        .filter((k) => d.params[k].kind === 'function')
        .map((k) => [k, () => undefined]),
    );
    assert.equal(buildAndCheck(d.build, base).method, d.name, `${d.name}: the term names its method`);
    for (const [k, p] of Object.entries(d.params)) {
      const where = `${d.name}.${k}`;
      if (p.required) assert.throws(() => buildAndCheck(d.build, required(d.params, k)), `${where} is required`);
      const r = p.range;
      if (r?.min !== undefined) {
        assert.doesNotThrow(() => buildAndCheck(d.build, { ...base, [k]: r.min }), `${where} = ${r.min} is allowed`);
        assert.throws(() => buildAndCheck(d.build, { ...base, [k]: r.min! - 0.5 }), `${where} < ${r.min} is refused`);
      }
      if (r?.above !== undefined)
        assert.throws(() => buildAndCheck(d.build, { ...base, [k]: r.above }), `${where} = ${r.above} is refused`);
      if (p.infinite) assert.doesNotThrow(() => buildAndCheck(d.build, { ...base, [k]: Infinity }), `${where} = Infinity is allowed`);
      for (const c of p.choices ?? [])
        assert.doesNotThrow(() => buildAndCheck(d.build, { ...base, ...functions, [k]: c }), `${where} = ${c}`);
      if (p.choices)
        assert.throws(() => buildAndCheck(d.build, { ...base, [k]: 'no-such-choice' }), /no-such-choice/, `${where} refuses others`);
    }
    if (typeof d.params.gamma.default === 'number')
      assert.equal(buildAndCheck(d.build, base).gamma, d.params.gamma.default, `${d.name}: γ default`);
  }
});

test("the method flags of sample are consistent across methods (one kind per flag, none of sample's own)", () => {
  const flags = methodFlags();
  assert.deepEqual(
    flags.map((f) => f.flag),
    ['gamma', 'interval', 'layers', 'sigma', 'strategy', 'guide', 'variant', 's', 'alpha', 'negative'],
  );
  assert.equal(flags.find((f) => f.flag === 'sigma')!.parse('0.5'), 0.5);
  assert.throws(() => flags.find((f) => f.flag === 'sigma')!.parse('0'), /--sigma must be a finite number > 0; got "0"/);
});

test("the README's method table is the descriptors' table", () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = /<!-- methods:begin -->\n([\s\S]*?)<!-- methods:end -->/.exec(readme);
  assert.ok(section, 'README.md has a <!-- methods:begin --> … <!-- methods:end --> section');
  // a formatter may pad the cells; compare the cells themselves
  const cells = (md: string) =>
    md
      .trim()
      .split('\n')
      .map((line) => line.split(/(?<!\\)\|/).map((c) => c.trim().replace(/^-+$/, '-')));
  assert.deepEqual(cells(section[1]), cells(methodsTable(BUILT_IN_METHODS)));
});
