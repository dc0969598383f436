import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { mergeRows, runSweep, type SweepRow } from '../../src/experiments';
import { options, saveTiny, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

const CHILD = join(__dirname, 'array-child.ts');
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
let dir = '';
let model = '';
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-array-'));
  model = await saveTiny(dir);
});

/** Runs the child with `vars` added to the environment; resolves with its parsed stdout. */
function task(out: string, vars: Record<string, string>): Promise<{ shard: { k: number; n: number }; reason: string; computed: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, out, model], {
    env: { ...process.env, GUIDANCE_LAB_QUIET: '1', ...vars },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`task ${JSON.stringify(vars)} exited ${code}: ${stderr}`)),
    );
  });
}

const withoutTiming = (rows: SweepRow[]) => rows.map((r) => ({ ...r, timing: undefined }));

test('a Slurm array of 3 tasks and an Indexed Job of 2 pods each merge to the rows of one whole sweep', async () => {
  const whole = await runSweep(smallSpec(model), options(join(dir, 'whole')));
  const sorted = withoutTiming([...whole.rows].sort((a, b) => a.key.localeCompare(b.key)));

  const slurm = await Promise.all(
    [5, 6, 7].map((id) =>
      task(join(dir, `slurm-${id}`), {
        SLURM_ARRAY_TASK_ID: `${id}`,
        SLURM_ARRAY_TASK_MIN: '5',
        SLURM_ARRAY_TASK_MAX: '7',
        SLURM_ARRAY_TASK_COUNT: '3',
      }),
    ),
  );
  assert.deepEqual(
    slurm.map((t) => t.shard),
    [1, 2, 3].map((k) => ({ k, n: 3 })),
  );
  assert.deepEqual(
    slurm.map((t) => t.computed),
    [3, 3, 2],
  );
  assert.deepEqual(withoutTiming(mergeRows([5, 6, 7].map((id) => join(dir, `slurm-${id}`)))), sorted);

  const k8s = await Promise.all(
    [0, 1].map((i) => task(join(dir, `k8s-${i}`), { JOB_COMPLETION_INDEX: `${i}`, GUIDANCE_LAB_COMPLETIONS: '2' })),
  );
  assert.deepEqual(
    k8s.map((t) => t.shard),
    [1, 2].map((k) => ({ k, n: 2 })),
  );
  assert.deepEqual(withoutTiming(mergeRows([0, 1].map((i) => join(dir, `k8s-${i}`)))), sorted);
});

test('guidance-lab sweep refuses an out-of-range array task before loading anything, naming the variable', () => {
  const spec = join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify({ model, methods: [{ method: 'cfg' }], gammas: [1], n: 2 }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'sweep', spec, '--out', join(dir, 'cli')], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '4' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /guidance-lab: SLURM_ARRAY_TASK_ID=4 is outside the array's task IDs 0…3/);
});
