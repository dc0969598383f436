import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { CellError, executeNotebook } from '../../src/jupyter/execute';
import { joinText, readNotebook, type Cell } from '../../src/jupyter/nbformat';

const ROOT = resolve(__dirname, '..', '..');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'notebook-faults-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function writeCodeNotebook(name: string, sources: string[]): Promise<string> {
  const cells = sources.map((source) => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }));
  const kernelspec = { name: 'tslab', display_name: 'TypeScript', language: 'typescript' };
  const nb = { cells, metadata: { kernelspec }, nbformat: 4, nbformat_minor: 5 };
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(nb));
  return path;
}

const failsAt = (cellIndex: number, detail: RegExp) => (err: unknown) => {
  assert.ok(err instanceof CellError, String(err));
  assert.equal(err.cellIndex, cellIndex);
  assert.match(err.detail, detail);
  return true;
};

test('an unawaited rejected promise in a middle cell fails the run at that cell; later cells do not run', async () => {
  const cells = ['console.log("one")', 'Promise.reject(new Error("unawaited boom")); 1', 'console.log("never")'];
  const path = await writeCodeNotebook('reject.ipynb', cells);
  await assert.rejects(executeNotebook(path), failsAt(1, /unhandled promise rejection .*: Error: unawaited boom/));
  const nb = await readNotebook(path);
  assert.deepEqual(
    nb.cells.map((c) => c.execution_count),
    [1, 2, null],
  );
});

test('an exception thrown from a timer in the last cell fails the run, naming that cell', async () => {
  const cells = ['console.log("one")', 'setTimeout(() => { throw new Error("timer boom"); }, 100); console.log("scheduled")'];
  const path = await writeCodeNotebook('timer.ipynb', cells);
  await assert.rejects(executeNotebook(path), failsAt(1, /last cell .*\n.*uncaught exception .*: Error: timer boom/));
});

test("a clean notebook passes with execution counts 1, 2 and its outputs, the runner's own cells leaving no trace", async () => {
  const cells = ['console.log("one")', 'await new Promise((r) => setTimeout(r, 10)); console.log("two")'];
  const path = await writeCodeNotebook('clean.ipynb', cells);
  assert.equal(await executeNotebook(path), 2);
  const nb = await readNotebook(path);
  assert.deepEqual(
    nb.cells.map((c) => c.execution_count),
    [1, 2],
  );
  const text = (c: Cell) => (c.outputs ?? []).map((o) => (o.output_type === 'stream' ? joinText(o.text) : o.output_type)).join('');
  const printed = nb.cells.map(text);
  assert.deepEqual(printed, ['one\n', 'two\n']);
});

test("run --help shows the timeouts' defaults in seconds, the unit they are given in", () => {
  const cli = join(ROOT, 'src', 'jupyter', 'cli.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'run', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const help = r.stdout.replace(/\s+/g, ' ');
  assert.match(help, /--timeout <seconds> longest one cell may run \(default: 600 s\)/);
  assert.match(help, /--start-timeout <seconds> longest the kernel may take to start \(default: 60 s\)/);
});
