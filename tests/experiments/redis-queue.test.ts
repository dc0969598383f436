import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { initBackend } from '../../src/backend';
import { mergeRows, parseSpec, readRows, runSweep, type SweepRow } from '../../src/experiments';
import { collectRows, connectQueue, enqueueSweep, refusal, type ContextSources, type PointJob } from '../../src/experiments/redis-queue';
import { options, projection, saveTiny, smallSpec } from './helpers';
import { freePort, redisMissing, startRedis, type TestRedis } from './redis';
import { testBackend } from '../test-backend';

const CHILD = join(__dirname, 'redis-queue-child.ts');
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
const missing = redisMissing();
let dir = '';
let model = '';
let redis: TestRedis | null = null;
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-queue-'));
  model = await saveTiny(dir);
  if (!missing) redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

const sources: ContextSources = { featurizer: () => projection(), referenceImages: options('').referenceImages };
const withoutTiming = (rows: SweepRow[]) => rows.map((r) => ({ ...r, timing: undefined })).sort((a, b) => a.key.localeCompare(b.key));

/** A worker child process whose output lines are collected; `lines()` returns them so far. */
function worker(
  url: string,
  name: string,
  out: string,
  delayMs: number,
  lockMs: number,
  seed = 3,
): { child: ChildProcess; lines: () => string[]; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, name, out, `${delayMs}`, `${lockMs}`, `${seed}`], {
    env: { ...process.env, GUIDANCE_LAB_QUIET: '1' },
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d));
  child.stderr?.on('data', (d: Buffer) => (text += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines: () => text.split('\n').filter(Boolean), exit };
}

async function until(what: string, ok: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const keysOf = (lines: string[], verb: string) => lines.filter((l) => l.startsWith(`${verb} `)).map((l) => l.split(' ')[1]);

test(
  'enqueue twice adds each point once; two workers, one killed mid-point: every point is computed once and the rows equal a local sweep',
  { skip: missing },
  async () => {
    const url = (redis as TestRedis).url;
    const spec = smallSpec(model);
    const first = await enqueueSweep(spec, { url, name: 'kill' }, sources);
    assert.deepEqual([first.points, first.added, first.present], [8, 8, 0]);
    const again = await enqueueSweep(spec, { url, name: 'kill' }, sources);
    assert.deepEqual([again.added, again.present, again.retried], [0, 8, 0]);

    const a = worker(url, 'kill', join(dir, 'out-a'), 150, 5000);
    const b = worker(url, 'kill', join(dir, 'out-b'), 150, 5000);
    // kill A once it has finished a point and started the next (so it dies holding a point)
    await until('worker A to start its second point', () => keysOf(a.lines(), 'started').length >= 2);
    a.child.kill('SIGKILL');
    await a.exit;
    const [startedA, finishedA] = [keysOf(a.lines(), 'started'), keysOf(a.lines(), 'finished')];
    const held = startedA.filter((k) => !finishedA.includes(k));
    assert.equal(held.length, 1, `A was killed holding one point: ${a.lines().join('\n')}`);

    assert.equal(await b.exit, 0, b.lines().join('\n'));
    const finishedB = keysOf(b.lines(), 'finished');
    const finished = [...finishedA, ...finishedB];
    assert.equal(finished.length, 8, `finished lines: ${finished.join(' ')}`);
    assert.equal(new Set(finished).size, 8, 'no point computed twice');
    assert.ok(finishedB.includes(held[0]), 'the point A held was taken again by B');

    const connection = await connectQueue(url);
    const queue = new Queue<PointJob, SweepRow>('kill', { connection });
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    assert.deepEqual(counts, { waiting: 0, active: 0, delayed: 0, completed: 8, failed: 0 });
    const results = (await queue.getJobs(['completed'])).map((j) => j.returnvalue);
    await queue.close();
    connection.disconnect();

    const local = await runSweep(spec, options(join(dir, 'local')));
    const merged = mergeRows([join(dir, 'out-a'), join(dir, 'out-b')]);
    assert.deepEqual(withoutTiming(merged), withoutTiming(local.rows));
    assert.deepEqual(withoutTiming(results), withoutTiming(local.rows), 'the jobs return the rows too');
    const collected = await collectRows({ url, name: 'kill' }, first.grid, first.digests, join(dir, 'collected'), 100);
    assert.deepEqual([collected.grid.completed, collected.failed.length], [8, 0]);
    assert.deepEqual(
      withoutTiming(readRows(join(dir, 'collected'))),
      withoutTiming(local.rows),
      'collected rows form a cache folder like a sweep',
    );
  },
);

test(
  'workers whose checkpoint or featurizer differs from the grid refuse the point and leave it; a matching worker then computes it',
  { skip: missing },
  async () => {
    const url = (redis as TestRedis).url;
    const path = await saveTiny(dir, 'swapped', 2);
    const spec = parseSpec({
      model: path,
      methods: [{ method: 'cfg' }],
      gammas: [1],
      seeds: [0],
      n: 4,
      steps: 2,
      sampler: 'euler',
      batchSize: 4,
      reference: { n: 16 },
    });
    assert.equal((await enqueueSweep(spec, { url, name: 'refuse' }, sources)).added, 1);
    const original = readFileSync(path);
    copyFileSync(model, path); // this machine now holds another checkpoint under the grid's model name
    const bad = worker(url, 'refuse', join(dir, 'out-bad'), 0, 5000);
    await until('the refusal', () => bad.lines().filter((l) => l.startsWith('refused ')).length >= 2);
    bad.child.kill('SIGKILL');
    await bad.exit;
    assert.match(
      bad.lines().find((l) => l.startsWith('refused '))!,
      /checkpoint ".*swapped\.safetensors" here has digest [0-9a-f]{12}…, the grid's is [0-9a-f]{12}…\); left for another worker/,
    );
    assert.equal(keysOf(bad.lines(), 'started').length, 0);

    writeFileSync(path, original);
    const otherFeatures = worker(url, 'refuse', join(dir, 'out-features'), 0, 5000, 4); // a featurizer with other weights
    await until('the featurizer refusal', () => otherFeatures.lines().some((l) => l.startsWith('refused ')));
    otherFeatures.child.kill('SIGKILL');
    await otherFeatures.exit;
    assert.match(
      otherFeatures.lines().find((l) => l.startsWith('refused '))!,
      /featurizer digest here \(projection-1…\) differs from the grid's \(projection-1…\)/,
    );
    assert.ok(keysOf(otherFeatures.lines(), 'started').length >= 1, 'it started the point, then found its features differ');
    assert.equal(keysOf(otherFeatures.lines(), 'finished').length, 0);

    const good = worker(url, 'refuse', join(dir, 'out-good'), 0, 5000);
    assert.equal(await good.exit, 0, good.lines().join('\n'));
    assert.equal(keysOf(good.lines(), 'finished').length, 1);
    const local = await runSweep(spec, options(join(dir, 'local-refuse')));
    assert.deepEqual(withoutTiming(mergeRows([join(dir, 'out-good')])), withoutTiming(local.rows));
  },
);

test('an unreachable or malformed queue URL fails within seconds with a clear error, from the library and the command line', async () => {
  const port = await freePort(); // nothing listens there
  const t0 = Date.now();
  await assert.rejects(
    connectQueue(`redis://127.0.0.1:${port}`),
    new RegExp(`cannot reach the queue at redis://127\\.0\\.0\\.1:${port} \\(within 3 s\\): .*ECONNREFUSED`),
  );
  await assert.rejects(
    connectQueue('redis://10.255.255.1:6379'),
    /cannot reach the queue at redis:\/\/10\.255\.255\.1:6379 \(within 3 s\)/,
  );
  assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0} ms`);
  await assert.rejects(
    connectQueue('http://localhost:6379'),
    /--queue must be a redis:\/\/ or rediss:\/\/ URL \(e\.g\. redis:\/\/host:6379\); got "http:\/\/localhost:6379"/,
  );
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', CLI, 'worker', '--queue', `redis://127.0.0.1:${port}`, '--out', join(dir, 'never')],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`guidance-lab: cannot reach the queue at redis://127\\.0\\.0\\.1:${port}`));
});

test('refusal: null when every checkpoint digest matches, else the model and both digests', () => {
  const job = { digests: { models: { a: 'a'.repeat(64), b: 'b'.repeat(64) } } } as unknown as PointJob;
  assert.equal(
    refusal(job, (m) => m.repeat(64)),
    null,
  );
  assert.match(
    refusal(job, (m) => (m === 'b' ? 'c'.repeat(64) : m.repeat(64))) ?? '',
    /checkpoint "b" here has digest c{12}…, the grid's is b{12}…/,
  );
  assert.match(
    refusal(job, () => {
      throw new Error('no checkpoint "a"');
    }) ?? '',
    /no checkpoint "a"/,
  );
});

test(
  'guidance-lab sweep --queue enqueues (a rerun adds nothing) and --status shows the grid waiting, from the command line',
  { skip: missing },
  () => {
    const url = (redis as TestRedis).url;
    const file = join(dir, 'grid.json');
    writeFileSync(file, JSON.stringify({ model, methods: [{ method: 'cfg' }], gammas: [0, 1, 2], n: 2, steps: 1, reference: { n: 16 } }));
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', CLI, 'sweep', file, '--queue', url, '--queue-name', 'cli', ...args], {
        encoding: 'utf8',
        timeout: 120_000,
      });
    const first = cli();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /3 points: 3 added to queue "cli", 0 already there/);
    const second = cli();
    assert.match(second.stderr, /3 points: 0 added to queue "cli", 3 already there \(0 failed ones retried\)/);
    const status = cli('--status');
    assert.equal(status.status, 0, status.stderr);
    assert.match(
      status.stdout,
      /queue "cli" at redis:\/\/127\.0\.0\.1:\d+: 3 waiting, 0 active, 0 delayed, 0 completed, 0 failed\ngrid [0-9a-f]{12}: 3 waiting, 0 active, 0 delayed, 0 completed, 0 failed\n/,
    );
  },
);

test('a grid whose method does not fit its model is refused before anything is enqueued', { skip: missing }, async () => {
  const url = (redis as TestRedis).url;
  const spec = parseSpec({
    model,
    methods: [{ method: 'pag', params: { layers: ['mid.attn'] } }],
    gammas: [1],
    n: 2,
    steps: 1,
    reference: { n: 16 },
  });
  await assert.rejects(enqueueSweep(spec, { url, name: 'invalid' }, sources), /mid\.attn/);
  const connection = await connectQueue(url);
  const queue = new Queue('invalid', { connection });
  assert.equal(await queue.count(), 0);
  await queue.close();
  connection.disconnect();
});
