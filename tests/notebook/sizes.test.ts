import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PRESET_SIZES, mergeSizes, notebookSizes, type NotebookSizes } from '../../src/notebook/sizes';

/** Every γ (or ω) grid of a size preset that a study sweeps, named for the failure message. */
function sweptGrids(s: NotebookSizes): [string, number[]][] {
  return [
    ['sag.gammas', s.sag.gammas],
    ['pag.gammas', s.pag.gammas],
    ['seg.gammas', s.seg.gammas],
    ['autoguidance.gammas', s.autoguidance.gammas],
    ['icgTsg.gammas', s.icgTsg.gammas],
    ...s.icgTsg.tsg.map(({ s: scale, gammas }): [string, number[]] => [`icgTsg.tsg[s=${scale}]`, gammas]),
    ['sims.omegas', s.sims.omegas],
    ...Object.entries(s.comparison.gammas)
      .filter(([method]) => method !== 'cfgpp')
      .map(([method, g]): [string, number[]] => [`comparison.gammas.${method}`, g]),
  ];
}

test('at both sizes every swept grid starts at 0 (the unguided point its differences are paired with) and ascends without repeats', () => {
  for (const preset of [PRESET_SIZES.smoke, PRESET_SIZES.full]) {
    for (const [name, grid] of sweptGrids(preset)) {
      assert.equal(grid[0], 0, `${preset.size} ${name} starts at ${grid[0]}`);
      for (let i = 1; i < grid.length; i++) assert.ok(grid[i] > grid[i - 1], `${preset.size} ${name} is not ascending at ${grid[i]}`);
    }
  }
});

test('the full size measures ≥ 5 seeds everywhere and reaches CFG into (0, 1) (issue 18)', () => {
  const full = PRESET_SIZES.full;
  assert.ok(full.seeds.length >= 5, `seeds ${full.seeds}`);
  assert.ok(full.comparison.seeds.length >= 5, `comparison seeds ${full.comparison.seeds}`);
  for (const [name, grid] of [
    ['comparison.gammas.cfg', full.comparison.gammas.cfg],
    ['icgTsg.gammas', full.icgTsg.gammas],
  ] as const) {
    assert.ok(
      grid.some((g) => g > 0 && g < 1),
      `${name} ${grid} has no γ in (0, 1)`,
    );
  }
});

test('mergeSizes replaces arrays, merges a group key by key, and refuses an unknown size naming the known ones', () => {
  const merged = mergeSizes(PRESET_SIZES.full, { samples: 256, icgTsg: { tsg: [{ s: 1, gammas: [0, 1] }] } });
  assert.equal(merged.samples, 256);
  assert.deepEqual(merged.icgTsg.tsg, [{ s: 1, gammas: [0, 1] }]);
  assert.deepEqual(merged.icgTsg.gammas, PRESET_SIZES.full.icgTsg.gammas);
  assert.equal(PRESET_SIZES.full.samples, 64, 'the preset itself is not changed');
  assert.throws(() => mergeSizes(PRESET_SIZES.full, { sampels: 3 } as never), /unknown notebook size "sampels"; sizes: size, steps/);
});

test('notebookSizes reads GUIDANCE_LAB_SIZE and a GUIDANCE_LAB_SIZES file, and names a bad size', () => {
  assert.equal(notebookSizes({}).size, 'smoke');
  assert.equal(notebookSizes({ GUIDANCE_LAB_SIZE: 'full' }).size, 'full');
  assert.throws(() => notebookSizes({ GUIDANCE_LAB_SIZE: 'huge' }), /unknown GUIDANCE_LAB_SIZE "huge"; sizes: smoke, full/);
  const dir = mkdtempSync(join(tmpdir(), 'gl-sizes-'));
  try {
    const file = join(dir, 'sizes.json');
    writeFileSync(file, JSON.stringify({ size: 'full', samples: 128, seg: { sigmas: [1, 'Infinity'] } }));
    const s = notebookSizes({ GUIDANCE_LAB_SIZES: file });
    assert.equal(s.size, 'full');
    assert.equal(s.samples, 128);
    assert.deepEqual(s.seg.sigmas, [1, Infinity]);
    assert.deepEqual(s.seg.gammas, PRESET_SIZES.full.seg.gammas);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
