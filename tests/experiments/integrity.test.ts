import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, truncateSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { expandGrid, mergeRows, pointKey, readManifest, readRows, runSweep, type SweepRow } from '../../src/experiments';
import { options, saveTiny, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

const CHILD = join(__dirname, 'sweep-child.ts');
const MANIFEST_CHILD = join(__dirname, 'manifest-child.ts');
const env = { ...process.env, GUIDANCE_LAB_QUIET: '1' };
let dir = '';
let model = '';
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-integrity-'));
  model = await saveTiny(dir);
});

const strip = (rows: SweepRow[]) => rows.map((r) => ({ ...r, timing: undefined }));

test("truncated, empty, {} and another point's row files are named, never counted or merged, and recomputed", async () => {
  const spec = smallSpec(model);
  const out = join(dir, 'damaged');
  const first = await runSweep(spec, options(out));
  const files = readdirSync(join(out, 'rows')).sort();
  const path = (i: number) => join(out, 'rows', files[i]);
  truncateSync(path(0), Math.floor(readFileSync(path(0), 'utf8').length / 2));
  writeFileSync(path(1), '');
  writeFileSync(path(2), '{}');
  copyFileSync(path(4), path(3));
  assert.throws(() => mergeRows([out]), new RegExp(`damaged sweep row .*${files[0]}: not whole JSON, e\\.g\\. truncated`));
  assert.throws(() => readRows(out), /damaged sweep row/);

  const notices: string[] = [];
  const again = await runSweep(spec, options(out, { warn: (m) => notices.push(m) }));
  assert.equal(again.computed, 4, 'the four damaged points were recomputed');
  assert.equal(again.cached, 4);
  const expect = [
    [0, 'not whole JSON'],
    [1, 'the file is empty'],
    [2, 'no key'],
    [3, `it holds the row of another point \\(key ${files[4].slice(0, 12)}`],
  ] as const;
  for (const [i, why] of expect) {
    const named = notices.some((m) => new RegExp(`${files[i]}: ${why}`).test(m));
    assert.ok(named, `${files[i]} named with "${why}" in ${JSON.stringify(notices)}`);
  }
  const byKey = [...first.rows].sort((a, b) => a.key.localeCompare(b.key));
  assert.deepEqual(strip(mergeRows([out])), strip(byKey), 'recomputed rows equal the originals');
});

test('a point whose samples go non-finite is recorded as failed with method, γ, step and σ, never as a row', async () => {
  const spec = smallSpec(model, { methods: [{ method: 'cfg' }], gammas: [1, 1e38], seeds: [0] });
  const out = join(dir, 'diverging');
  const notices: string[] = [];
  const r = await runSweep(spec, options(out, { warn: (m) => notices.push(m) }));
  assert.equal(r.rows.length, 1);
  assert.equal(r.rows[0].point.gamma, 1);
  assert.equal(r.failed.length, 1);
  const bad = expandGrid(spec).find((p) => p.gamma === 1e38)!;
  const key = pointKey(bad, readManifest(out));
  assert.equal(r.failed[0].key, key);
  assert.match(r.failed[0].reason, /non-finite .* with cfg γ = 1e\+38 at step [01] of 0…1 \(σ [\d.]+ → [\d.]+\)/);
  assert.ok(notices.some((m) => m.includes(key.slice(0, 12)) && m.includes('cfg γ = 1e+38')));
  assert.ok(existsSync(join(out, 'failed', `${key}.json`)), 'the failure is in the cache folder');
  assert.ok(!existsSync(join(out, 'rows', `${key}.json`)), 'no row for it');
  assert.equal(mergeRows([out]).length, 1);
  const rerun = await runSweep(spec, options(out, { warn: () => undefined }));
  const counts = [rerun.computed, rerun.cached, rerun.failed.length];
  assert.deepEqual(counts, [0, 1, 1], 'a rerun retries the failed point, never reads it as finished');
});

test("two sweeps on one folder at once compute each point once; a dead sweep's claim is taken over", async () => {
  const out = join(dir, 'shared');
  // a claim left by a killed sweep (a pid that has exited) on one point must not block it
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  mkdirSync(join(out, 'claims'), { recursive: true });
  const run = () =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, out, model, '0'], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
  const firstKey = pointKey(expandGrid(smallSpec(model))[0], await digestsOf(model));
  writeFileSync(join(out, 'claims', `${firstKey}.claim`), `${dead} stale-token`);
  const [a, b] = await Promise.all([run(), run()]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)] as { computed: number; cached: number }[];
  assert.equal(ra.computed + rb.computed, 8, `each point computed once: ${a.stdout} ${b.stdout}`);
  assert.equal(ra.computed + ra.cached, 8);
  assert.equal(rb.computed + rb.cached, 8);
  assert.equal(readRows(out).length, 8);
  assert.deepEqual(readdirSync(join(out, 'claims')), [], 'every claim was released');
});

test('concurrent manifest updates are never lost', async () => {
  const out = join(dir, 'manifest');
  const startAt = Date.now() + 3000; // all children start hammering at once, after their start-up
  const ids = ['a', 'b', 'c', 'd'];
  await Promise.all(
    ids.map(
      (id) =>
        new Promise<void>((resolve, reject) => {
          const args = ['--import', 'tsx', MANIFEST_CHILD, out, id, String(startAt), '60'];
          const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(stderr))));
        }),
    ),
  );
  const models = Object.keys(readManifest(out).models);
  assert.equal(models.length, 4 * 60, `${4 * 60 - models.length} manifest entries were lost`);
});

/** Returns the digests the small sweep's cache gets for `model` (checkpoint by path, projection featurizer, its reference). */
async function digestsOf(m: string) {
  const probe = join(dir, 'probe');
  await runSweep({ ...smallSpec(m), methods: [smallSpec(m).methods[0]], gammas: [0], seeds: [0] }, options(probe));
  return readManifest(probe);
}
