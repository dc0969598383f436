/** Telling smoke-size from full-size figures: rows.json and notebook-output markers, their disagreement, and the committed figures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STUDY_ID } from '../../src/gallery/readme';
import { notebookSize, rowsSize, studySize } from '../../src/gallery/size';

/** Returns a notebook whose code cells printed `lines` (one stream output each). */
function notebook(lines: string[]): string {
  const cells = lines.map((text) => ({
    cell_type: 'code',
    source: [],
    outputs: [{ output_type: 'stream', name: 'stdout', text: [text] }],
  }));
  return JSON.stringify({
    cells: [{ cell_type: 'markdown', source: ['size full, backend x'] }, ...cells],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });
}

test('rows.json and notebook markers are read, and bad or contradicting ones are refused by file name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gallery-size-'));
  try {
    const figures = join(dir, 'figures');
    const notebooks = join(dir, 'notebooks');
    mkdirSync(join(figures, '03-x'), { recursive: true });
    mkdirSync(notebooks);
    const rows = join(figures, '03-x', 'rows.json');
    const nb = join(notebooks, '03-x.ipynb');

    writeFileSync(rows, JSON.stringify({ sizes: { size: 'smoke', samples: 20, sampler: 'euler', steps: 6 }, rows: {} }));
    assert.deepEqual(rowsSize(rows), { size: 'smoke', measured: { samples: 20, sampler: 'euler', steps: 6 } });
    // A markdown cell that mentions a size is not an output: only code cells' stream outputs count.
    writeFileSync(nb, notebook(['guidance-lab: tfjs backend wasm\n', 'size full, backend wasm, checkpoints from /x\nmore\n']));
    assert.equal(notebookSize(nb), 'full');
    assert.throws(
      () => studySize('03-x', figures, notebooks),
      /03-x: its size markers disagree \(.*rows\.json: smoke; .*03-x\.ipynb: full\)/,
    );

    writeFileSync(nb, notebook(['size smoke, backend wasm\n']));
    assert.deepEqual(studySize('03-x', figures, notebooks).size, 'smoke');
    writeFileSync(nb, notebook(['size smoke, backend wasm\n', 'size full, backend cpu\n']));
    assert.throws(() => notebookSize(nb), /03-x\.ipynb: its outputs print several sizes \(smoke, full\)/);
    writeFileSync(nb, notebook(['size huge, backend wasm\n']));
    assert.throws(() => notebookSize(nb), /03-x\.ipynb: size is "huge"; sizes: smoke, full/);

    rmSync(nb);
    writeFileSync(rows, JSON.stringify({ rows: {} }));
    assert.throws(() => rowsSize(rows), /rows\.json: has no "sizes" field/);
    rmSync(rows);
    assert.deepEqual(studySize('03-x', figures, notebooks), { size: 'unknown', evidence: [], measured: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every committed study is full size by every marker it has, and has at least one', () => {
  const studies = readdirSync('figures').filter((d) => STUDY_ID.test(d));
  assert.ok(studies.length >= 10);
  for (const id of studies) {
    const s = studySize(id, 'figures', 'notebooks');
    assert.equal(s.size, 'full', `${id}: ${s.evidence.join('; ')}`);
    assert.ok(s.evidence.length >= 1);
  }
});
