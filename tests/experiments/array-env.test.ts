import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShard, gridShareItems } from '../../src/experiments';

const GRID = Array.from({ length: 23 }, (_, i) => i);

test('every task of a Slurm array a-b takes a distinct shard, and together they cover the grid once', () => {
  for (const [min, max] of [
    [0, 3],
    [1, 5],
    [7, 7],
    [10, 17],
  ]) {
    const taken = [];
    for (let id = min; id <= max; id++) {
      const withCount = resolveShard(undefined, {
        SLURM_ARRAY_TASK_ID: `${id}`,
        SLURM_ARRAY_TASK_MIN: `${min}`,
        SLURM_ARRAY_TASK_MAX: `${max}`,
        SLURM_ARRAY_TASK_COUNT: `${max - min + 1}`,
      });
      const withoutCount = resolveShard(undefined, {
        SLURM_ARRAY_TASK_ID: `${id}`,
        SLURM_ARRAY_TASK_MIN: `${min}`,
        SLURM_ARRAY_TASK_MAX: `${max}`,
      });
      assert.deepEqual(withCount.shard, withoutCount.shard);
      assert.equal(withCount.shard.n, max - min + 1);
      assert.match(withCount.reason, new RegExp(`Slurm array task: SLURM_ARRAY_TASK_ID=${id}`));
      taken.push(...gridShareItems(GRID, withCount.shard));
    }
    assert.deepEqual(
      taken.sort((a, b) => a - b),
      GRID,
      `array ${min}-${max}`,
    );
  }
});

test('Slurm: task ID min is shard 1, ID max is shard n; COUNT alone means IDs from 0', () => {
  assert.deepEqual(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_MAX: '9' }).shard, {
    k: 1,
    n: 6,
  });
  assert.deepEqual(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_MAX: '9' }).shard, {
    k: 6,
    n: 6,
  });
  assert.deepEqual(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' }).shard, { k: 3, n: 3 });
});

test('Kubernetes Indexed Job: index i of n completions is shard i + 1 of n; --completions wins over the variable', () => {
  const all = [0, 1, 2, 3].map((i) => resolveShard(undefined, { JOB_COMPLETION_INDEX: `${i}`, GUIDANCE_LAB_COMPLETIONS: '4' }));
  assert.deepEqual(
    all.map((c) => c.shard),
    [1, 2, 3, 4].map((k) => ({ k, n: 4 })),
  );
  assert.match(all[2].reason, /JOB_COMPLETION_INDEX=2, GUIDANCE_LAB_COMPLETIONS=4/);
  const flag = resolveShard(undefined, { JOB_COMPLETION_INDEX: '1', GUIDANCE_LAB_COMPLETIONS: '9' }, 2);
  assert.deepEqual(flag.shard, { k: 2, n: 2 });
  assert.match(flag.reason, /--completions 2/);
});

test('--shard wins over the variables and says so; no variables means the whole grid', () => {
  const c = resolveShard({ k: 2, n: 5 }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' });
  assert.deepEqual(c.shard, { k: 2, n: 5 });
  assert.match(c.reason, /--shard 2\/5 \(given, so the job-array variables are ignored\)/);
  assert.deepEqual(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '' }).shard, { k: 1, n: 1 });
  assert.match(resolveShard(undefined, {}).reason, /whole grid/);
});

test('out-of-range, malformed, non-contiguous and ambiguous variables are refused naming the value', () => {
  const refuse = (env: Record<string, string>, re: RegExp, completions?: number) =>
    assert.throws(() => resolveShard(undefined, env, completions), re);
  refuse({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3' }, /SLURM_ARRAY_TASK_ID=3 is outside the array's task IDs 0…2/);
  refuse(
    { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' },
    /SLURM_ARRAY_TASK_ID=0 is outside the array's task IDs 1…4/,
  );
  refuse({ SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '3' }, /SLURM_ARRAY_TASK_ID must be an integer ≥ 0; got "x"/);
  refuse({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '-2' }, /SLURM_ARRAY_TASK_COUNT must be an integer ≥ 0; got "-2"/);
  refuse({ SLURM_ARRAY_TASK_ID: '1' }, /neither SLURM_ARRAY_TASK_COUNT nor both/);
  refuse(
    { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '12', SLURM_ARRAY_TASK_COUNT: '4' },
    /not contiguous: .*--array=a-b/,
  );
  refuse(
    { JOB_COMPLETION_INDEX: '4', GUIDANCE_LAB_COMPLETIONS: '4' },
    /JOB_COMPLETION_INDEX=4 is out of range for 4 completions \(indices 0…3/,
  );
  refuse({ JOB_COMPLETION_INDEX: '0' }, /completions count is not: pass --completions n or set GUIDANCE_LAB_COMPLETIONS/);
  refuse({ JOB_COMPLETION_INDEX: '0' }, /completions must be an integer ≥ 1; got 0 \(--completions 0\)/, 0);
  refuse(
    { JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' },
    /both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX/,
  );
});
