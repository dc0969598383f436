import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { runSweep, type SweepRow } from '../../src/experiments';
import { options, saveTiny, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

const CHILD = join(__dirname, 'sweep-child.ts');
const env = { ...process.env, GUIDANCE_LAB_QUIET: '1' };
let dir = '';
let model = '';
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-resume-'));
  model = await saveTiny(dir);
});

const rowFiles = (out: string) => (existsSync(join(out, 'rows')) ? readdirSync(join(out, 'rows')).filter((f) => f.endsWith('.json')) : []);

test('kill -9 mid-sweep, rerun: finished rows are kept byte for byte and only the missing points are computed', async () => {
  const out = join(dir, 'killed');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, out, model, '0'], { stdio: 'ignore', env });
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline && rowFiles(out).length < 2) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const before = new Map(rowFiles(out).map((f) => [f, readFileSync(join(out, 'rows', f), 'utf8')]));
  assert.ok(before.size >= 2 && before.size < 8, `killed with ${before.size} of 8 rows`);

  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, out, model, '0'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { computed: 8 - before.size, cached: before.size });
  for (const [f, text] of before) assert.equal(readFileSync(join(out, 'rows', f), 'utf8'), text, `${f} was rewritten`);
  assert.equal(rowFiles(out).length, 8);

  // the resumed rows equal an uninterrupted run's (timing aside)
  const fresh = await runSweep(smallSpec(model), options(join(dir, 'fresh')));
  const strip = (rows: SweepRow[]) => rows.map((x) => ({ ...x, timing: undefined }));
  const resumed = rowFiles(out).map((f) => JSON.parse(readFileSync(join(out, 'rows', f), 'utf8')) as SweepRow);
  assert.deepEqual(
    strip(resumed).sort((a, b) => a.key.localeCompare(b.key)),
    strip(fresh.rows).sort((a, b) => a.key.localeCompare(b.key)),
  );
});

test('a worker pool of 2 threads gives the rows of an in-process run and uses both workers', async () => {
  const spec = smallSpec(model);
  const pooled = await runSweep(spec, options(join(dir, 'pool'), { workers: 2 }));
  const inline = await runSweep(spec, options(join(dir, 'inline'), { workers: 0 }));
  assert.equal(pooled.computed, 8);
  assert.equal(new Set(pooled.rows.map((r) => r.timing.thread)).size, 2, 'both workers ran points');
  assert.ok(
    pooled.rows.every((r) => r.timing.thread !== 0),
    'no point ran on the main thread',
  );
  assert.ok(inline.rows.every((r) => r.timing.thread === 0));
  const strip = (rows: SweepRow[]) => rows.map((x) => ({ ...x, timing: undefined }));
  assert.deepEqual(strip(pooled.rows), strip(inline.rows));
});
