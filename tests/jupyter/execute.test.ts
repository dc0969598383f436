import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { version } from '../../src';
import { CellError, executeNotebook } from '../../src/jupyter/execute';
import { joinText, readNotebook, type Cell, type Notebook } from '../../src/jupyter/nbformat';
import { linkSelf } from '../../src/jupyter/self-reference';

const ROOT = resolve(__dirname, '..', '..');
const SMOKE = join(ROOT, 'notebooks', '00-smoke.ipynb');
let dir: string;

before(async () => {
  await linkSelf(ROOT);
  dir = await mkdtemp(join(tmpdir(), 'notebook-test-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function stdout(cell: Cell): string {
  return (cell.outputs ?? []).map((o) => (o.output_type === 'stream' && o.name === 'stdout' ? joinText(o.text) : '')).join('');
}

function cellById(nb: Notebook, id: string): Cell {
  const cell = nb.cells.find((c) => c.id === id);
  assert.ok(cell, `no cell "${id}"`);
  return cell;
}

async function writeCodeNotebook(name: string, sources: string[]): Promise<string> {
  const cells = sources.map((source) => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }));
  const nb = {
    cells,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(nb));
  return path;
}

test('the smoke notebook runs on tslab, imports guidance-lab by name and leaves the original untouched', async () => {
  const original = await readFile(SMOKE, 'utf8');
  const output = join(dir, 'smoke.ipynb');
  const streamed = new Map<string, string>();
  const onStream = (text: string, stream: string, cellIndex: number) =>
    streamed.set(`${cellIndex} ${stream}`, (streamed.get(`${cellIndex} ${stream}`) ?? '') + text);
  assert.equal(await executeNotebook(SMOKE, { output, onStream }), 2);
  const nb = await readNotebook(output);
  const saved = new Map<string, string>();
  nb.cells.forEach((c, i) =>
    (c.outputs ?? []).forEach(
      (o) => o.output_type === 'stream' && saved.set(`${i} ${o.name}`, (saved.get(`${i} ${o.name}`) ?? '') + joinText(o.text)),
    ),
  );
  assert.ok(saved.size > 0);
  assert.deepEqual(streamed, saved, 'onStream hands on exactly what the cells print, as it arrives');
  assert.equal(stdout(cellById(nb, 'import-by-name')), `guidance-lab ${version}\n`);
  assert.equal(stdout(cellById(nb, 'tfjs')), 'sum([1, 2, 3]) = 6 on cpu\n');
  assert.deepEqual(
    nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count),
    [1, 2],
  );
  assert.equal(await readFile(SMOKE, 'utf8'), original);
});

test('a throwing cell stops the run with its index and message; earlier outputs are kept, later cells not run', async () => {
  const path = await writeCodeNotebook('throws.ipynb', [
    'console.log("before")',
    '',
    'throw new Error("boom in cell two")',
    'console.log("never")',
  ]);
  await assert.rejects(executeNotebook(path), (err: unknown) => {
    assert.ok(err instanceof CellError);
    assert.equal(err.cellIndex, 2);
    assert.match(err.detail, /boom in cell two/);
    assert.match(err.message, /throws\.ipynb: cell 2 failed/);
    return true;
  });
  const nb = await readNotebook(path);
  assert.equal(stdout(nb.cells[0]), 'before\n');
  assert.equal(nb.cells[2].execution_count, 2);
  assert.deepEqual([nb.cells[3].outputs, nb.cells[3].execution_count], [[], null]);
});

test("a type error against guidance-lab's declarations fails the cell with tslab's diagnostic", async () => {
  const path = await writeCodeNotebook('type-error.ipynb', ["import { version } from 'guidance-lab';\nconst n: number = version;"]);
  const cwd = join(ROOT, 'notebooks'); // where notebooks live: the name resolves from here, types included
  await assert.rejects(executeNotebook(path, { cwd }), (err: unknown) => {
    assert.ok(err instanceof CellError);
    assert.equal(err.cellIndex, 0);
    assert.match(err.detail, /2:7 - Type 'string' is not assignable to type 'number'/);
    return true;
  });
});

test('a cell that outlives its timeout fails, and the kernel is stopped', async () => {
  const path = await writeCodeNotebook('slow.ipynb', ['await new Promise((r) => setTimeout(r, 60_000));']);
  await assert.rejects(executeNotebook(path, { cellTimeoutMs: 1500 }), /cell 0 failed:\ndid not finish within 1\.5 s/);
});

test('a kernel that does not answer in time is reported and stopped', async () => {
  const path = await writeCodeNotebook('never.ipynb', ['1']);
  await assert.rejects(executeNotebook(path, { startTimeoutMs: 50 }), /tslab kernel \(cwd ".*"\) did not start within 0\.05 s/);
});

test('a missing notebook and a foreign kernel are named in the error', async () => {
  await assert.rejects(executeNotebook(join(dir, 'missing.ipynb')), /cannot read notebook ".*missing\.ipynb"/);
  const path = join(dir, 'python.ipynb');
  await writeFile(path, JSON.stringify({ cells: [], metadata: { kernelspec: { name: 'python3' } }, nbformat: 4, nbformat_minor: 5 }));
  await assert.rejects(executeNotebook(path), /asks for kernel "python3"; only "tslab" is supported/);
});
