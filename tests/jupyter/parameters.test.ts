import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { joinText, readNotebook, type Cell, type Notebook } from '../../src/jupyter/nbformat';
import { declaredParameters, injectParameters, parseParameter } from '../../src/jupyter/parameters';

const CLI = resolve(__dirname, '..', '..', 'src', 'jupyter', 'cli.ts');
const PARAMS =
  "// defaults\nconst size: 'smoke' | 'full' | null = null;\nconst seeds: number[] = [0];\nlet label = 'x';\nconst pick: (xs: number[]) => number = (xs) => xs[0];\n";
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gl-params-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const code = (source: string, id: string, tags?: string[]): Cell => ({
  cell_type: 'code',
  id,
  source,
  metadata: tags ? { tags } : {},
  outputs: [],
  execution_count: null,
});
const notebook = (): Notebook => ({
  cells: [
    { cell_type: 'markdown', id: 'intro', source: '# t', metadata: {} },
    code(PARAMS, 'params', ['parameters']),
    code(
      '// (no shorthand properties: tslab does not rewrite them to its cell exports)\nconsole.log(JSON.stringify({ size: size, seeds: seeds, label: label, first: pick(seeds) }));',
      'show',
    ),
  ],
  metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
  nbformat: 4,
  nbformat_minor: 5,
});

test('-p values: JSON when they parse, else the text; names must be identifiers', () => {
  assert.deepEqual(parseParameter('seeds=[0,1,2]'), ['seeds', [0, 1, 2]]);
  assert.deepEqual(parseParameter('n=256'), ['n', 256]);
  assert.deepEqual(parseParameter('size=full'), ['size', 'full']);
  assert.deepEqual(parseParameter('size="full"'), ['size', 'full']);
  assert.deepEqual(parseParameter('g={"cfg":[0,1]}'), ['g', { cfg: [0, 1] }]);
  assert.deepEqual(parseParameter('eq=a=b'), ['eq', 'a=b']);
  assert.deepEqual(parseParameter('empty='), ['empty', '']);
  assert.throws(() => parseParameter('seeds'), /-p "seeds": expected name=value/);
  assert.throws(() => parseParameter('1x=2'), /-p "1x=2": expected name=value with name an identifier/);
});

test('the declared names of a parameters cell, with keyword and type (arrow types included)', () => {
  const d = declaredParameters(PARAMS);
  assert.deepEqual([...d.keys()], ['size', 'seeds', 'label', 'pick']);
  assert.deepEqual(d.get('size'), { keyword: 'const', type: "'smoke' | 'full' | null" });
  assert.deepEqual(d.get('label'), { keyword: 'let' });
  assert.deepEqual(d.get('pick'), { keyword: 'const', type: '(xs: number[]) => number' });
  assert.equal(declaredParameters('  const indented = 1;\nfoo(const_x = 2)').size, 0);
});

test('injection: a cell after the tagged one redeclares the given names; a rerun replaces it; undeclared names and untagged notebooks are refused', () => {
  const once = injectParameters(notebook(), { seeds: [1, 2], size: 'full' }, 'nb');
  assert.deepEqual(
    once.cells.map((c) => c.id),
    ['intro', 'params', 'injected-parameters', 'show'],
  );
  assert.equal(
    joinText(once.cells[2].source),
    `// Parameters of this run (injected after the cell tagged "parameters")\nconst seeds: number[] = [1,2];\nconst size: 'smoke' | 'full' | null = "full";\n`,
  );
  assert.deepEqual(once.cells[2].metadata, { tags: ['injected-parameters'] });
  assert.deepEqual(once.metadata.guidance_lab, { parameters: { seeds: [1, 2], size: 'full' } });
  const twice = injectParameters(once, { label: 'y' }, 'nb');
  assert.deepEqual(
    twice.cells.map((c) => c.id),
    ['intro', 'params', 'injected-parameters', 'show'],
  );
  assert.equal(joinText(twice.cells[2].source).split('\n')[1], 'let label = "y";');
  assert.deepEqual(twice.metadata.guidance_lab, { parameters: { label: 'y' } });
  assert.throws(
    () => injectParameters(notebook(), { seed: [1] }, 'nb.ipynb'),
    /nb\.ipynb declares no parameter "seed"; its parameters cell declares: size, seeds, label, pick/,
  );
  const untagged = { ...notebook(), cells: notebook().cells.map((c) => ({ ...c, metadata: {} })) };
  assert.throws(() => injectParameters(untagged, { size: 'full' }, 'nb.ipynb'), /nb\.ipynb has no cell tagged "parameters"/);
});

test('run -p … --out on the tslab kernel: the cells see the values, the output records them, the input is unchanged', async () => {
  const input = join(dir, 'nb.ipynb');
  await writeFile(input, JSON.stringify(notebook()));
  const original = await readFile(input, 'utf8');
  const output = join(dir, 'executed.ipynb');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'run',
      input,
      '-p',
      'seeds=[7,8]',
      '-p',
      'size=full',
      '--parameter',
      'label="hello"',
      '--out',
      output,
      '--no-echo',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const nb = await readNotebook(output);
  const show = nb.cells.find((c) => c.id === 'show')!;
  const printed = (show.outputs ?? []).map((o) => (o.output_type === 'stream' ? joinText(o.text) : '')).join('');
  assert.deepEqual(JSON.parse(printed), { size: 'full', seeds: [7, 8], label: 'hello', first: 7 });
  assert.deepEqual(nb.metadata.guidance_lab, { parameters: { seeds: [7, 8], size: 'full', label: 'hello' } });
  assert.equal(await readFile(input, 'utf8'), original);

  const bad = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'run', input, '-p', 'seed=[1]', '--out', join(dir, 'bad.ipynb')], {
    encoding: 'utf8',
  });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /declares no parameter "seed"; its parameters cell declares: size, seeds, label, pick/);
  assert.doesNotMatch(bad.stdout, /starting kernel/);
  const inPlace = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'run', input, '-p', 'size=full'], {
    encoding: 'utf8',
    env: { ...process.env, GUIDANCE_LAB_SIZE: 'full' },
  });
  assert.equal(inPlace.status, 1);
  assert.match(inPlace.stderr, /-p writes a copy, never the notebook itself: give --out or --out-dir/);
  assert.equal(await readFile(input, 'utf8'), original);

  // several notebooks: each must declare every name, checked before any kernel starts
  const untagged = join(dir, 'untagged.ipynb');
  await writeFile(untagged, JSON.stringify({ ...notebook(), cells: notebook().cells.map((c) => ({ ...c, metadata: {} })) }));
  const two = spawnSync(
    process.execPath,
    ['--import', 'tsx', CLI, 'run', input, untagged, '-p', 'size=full', '--out-dir', join(dir, 'runs')],
    { encoding: 'utf8' },
  );
  assert.equal(two.status, 1);
  assert.match(two.stderr, /untagged\.ipynb has no cell tagged "parameters"/);
  assert.doesNotMatch(two.stdout, /starting kernel/);
});
