/** The gallery build on fixture figure folders (what it writes, what it refuses) and on the committed figures (up to date). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildGallery, planGallery } from '../../src/gallery/build';
import { barSpec, makeFixture, sliderSpec, type FixtureStudy } from './fixture';

const full = (id: string, specs: Record<string, unknown>): FixtureStudy => ({ id, specs, size: 'full' });

test('one section per study, one live figure per spec, specs scripts equal to the .vl.json files, vendored scripts only', async () => {
  const fx = await makeFixture([
    full('01-alpha', { slider: sliderSpec(), bars: barSpec() }),
    full('02-beta', { bars: barSpec('beta bars') }),
  ]);
  try {
    const plan = await buildGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks });
    assert.equal(plan.studies, 2);
    assert.equal(plan.charts, 3);
    const html = readFileSync(join(fx.figures, 'index.html'), 'utf8');
    assert.deepEqual(
      [...html.matchAll(/<section class="study" id="([^"]+)"/g)].map((m) => m[1]),
      ['01-alpha', '02-beta'],
    );
    assert.deepEqual(
      [...html.matchAll(/data-spec="([^"]+)"/g)].map((m) => m[1]),
      ['01-alpha/slider', '01-alpha/bars', '02-beta/bars'],
    );
    // README text and table cells, rendered from inline Markdown.
    assert.match(html, /<dt>Question<\/dt><dd>What does 01-alpha ask\?<\/dd>/);
    assert.match(html, /<dt>Method<\/dt><dd>It measures 02-beta\. In two lines\.<\/dd>/);
    assert.match(html, /<td><strong>m1<\/strong><\/td><td>2\.25<\/td>/);
    assert.match(html, /<code>slider<\/code> the slider chart of 01-alpha/);
    assert.match(html, /<noscript><img src="01-alpha\/slider\.png"/);
    // Nothing from the network: every script and stylesheet is a relative path inside the output folder.
    const refs = [...html.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(refs.length, 3 + 2 + 1 + 1, 'vega, vega-lite, vega-embed, two specs scripts, gallery.js, gallery.css');
    for (const r of refs) {
      assert.doesNotMatch(r, /^[a-z]+:|^\/\//, `${r} is not a local path`);
      assert.ok(existsSync(join(fx.figures, r)), `${r} was not written`);
    }
    for (const lib of ['vega', 'vega-lite', 'vega-embed']) {
      const copied = readFileSync(join(fx.figures, 'gallery', 'vendor', `${lib}.min.js`));
      assert.ok(
        copied.equals(readFileSync(join('node_modules', lib, 'build', `${lib}.min.js`))),
        `${lib}.min.js is not node_modules' build`,
      );
    }
    // The specs scripts, run as a browser would, hold exactly the committed specs.
    const window: { GALLERY_SPECS?: Record<string, unknown> } = {};
    for (const id of ['01-alpha', '02-beta'])
      runInNewContext(readFileSync(join(fx.figures, 'gallery', 'specs', `${id}.js`), 'utf8'), { window });
    for (const key of ['01-alpha/slider', '01-alpha/bars', '02-beta/bars']) {
      // (re-parsed: objects made in the vm context have that context's prototypes)
      assert.deepEqual(
        JSON.parse(JSON.stringify(window.GALLERY_SPECS?.[key])),
        JSON.parse(readFileSync(join(fx.figures, `${key}.vl.json`), 'utf8')),
        key,
      );
    }
  } finally {
    rmSync(fx.root, { recursive: true, force: true });
  }
});

test('the same figures give the same files, and a removed study loses its specs script', async () => {
  const fx = await makeFixture([full('01-alpha', { bars: barSpec() }), full('02-beta', { bars: barSpec() })]);
  try {
    const a = await buildGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks });
    const b = await planGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks });
    assert.deepEqual(b.files, a.files);
    rmSync(join(fx.figures, '02-beta'), { recursive: true });
    await buildGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks });
    assert.ok(!existsSync(join(fx.figures, 'gallery', 'specs', '02-beta.js')));
    assert.doesNotMatch(readFileSync(join(fx.figures, 'index.html'), 'utf8'), /02-beta/);
  } finally {
    rmSync(fx.root, { recursive: true, force: true });
  }
});

test('specs that do not compile or run are all named, and nothing is written', async () => {
  const schema = 'https://vega.github.io/schema/vega-lite/v5.json';
  const fx = await makeFixture([
    full('01-alpha', {
      good: barSpec(),
      'no-mark': { $schema: schema, mark: 'nope', data: { values: [] } },
      'bad-expr': { $schema: schema, mark: 'point', data: { values: [{ a: 1 }] }, transform: [{ calculate: 'nosuch(datum.a)', as: 'b' }] },
    }),
    full('02-beta', { old: { ...barSpec(), $schema: 'https://vega.github.io/schema/vega-lite/v4.json' } }),
  ]);
  try {
    await assert.rejects(buildGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks }), (e: Error) => {
      assert.match(e.message, /3 problem/);
      assert.match(e.message, /01-alpha\/no-mark\.vl\.json: does not compile/);
      assert.match(e.message, /01-alpha\/bad-expr\.vl\.json: does not compile or run: .*nosuch/);
      assert.match(e.message, /02-beta\/old\.vl\.json: \$schema .*v4\.json.*must be .*v5\.json/);
      assert.doesNotMatch(e.message, /good\.vl\.json/);
      return true;
    });
    assert.ok(!existsSync(join(fx.figures, 'index.html')));
  } finally {
    rmSync(fx.root, { recursive: true, force: true });
  }
});

test('smoke-size and unmarked studies are refused unless allowed, and then marked on the page', async () => {
  const fx = await makeFixture([full('01-alpha', { bars: barSpec() }), { id: '02-beta', specs: { bars: barSpec() }, size: 'smoke' }]);
  try {
    const options = { figuresDir: fx.figures, notebooksDir: fx.notebooks };
    await assert.rejects(
      buildGallery(options),
      /not full size \(pass --allow-smoke.*\n {2}02-beta: smoke \(.*02-beta\/rows\.json: smoke\)/,
    );
    // A notebook whose outputs print another size than rows.json is a contradiction, not a vote.
    const cell = {
      cell_type: 'code',
      source: [],
      outputs: [{ output_type: 'stream', name: 'stdout', text: ['size full, backend wasm\n'] }],
    };
    writeFileSync(join(fx.notebooks, '02-beta.ipynb'), JSON.stringify({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    await assert.rejects(buildGallery({ ...options, allowSmoke: true }), /02-beta: its size markers disagree/);
    rmSync(join(fx.notebooks, '02-beta.ipynb'));
    rmSync(join(fx.figures, '01-alpha', 'rows.json'));
    await assert.rejects(buildGallery(options), /01-alpha: unknown \(no rows\.json sizes and no "size …" line/);
    await buildGallery({ ...options, allowSmoke: true });
    const html = readFileSync(join(fx.figures, 'index.html'), 'utf8');
    assert.match(html, /id="01-alpha"[^]*size-unknown[^]*id="02-beta"[^]*SMOKE size/);
  } finally {
    rmSync(fx.root, { recursive: true, force: true });
  }
});

test('a study without its question and method in figures/README.md, or a spec without its PNG, is refused by name', async () => {
  const fx = await makeFixture([full('01-alpha', { bars: barSpec() }), { ...full('02-beta', { bars: barSpec() }), noText: true }]);
  try {
    const options = { figuresDir: fx.figures, notebooksDir: fx.notebooks };
    await assert.rejects(buildGallery(options), /README\.md: study 02-beta has no \*\*Question\.\*\* and \*\*Method\.\*\* paragraph/);
    mkdirSync(join(fx.figures, '01-alpha'), { recursive: true });
    rmSync(join(fx.figures, '01-alpha', 'bars.png'));
    await assert.rejects(buildGallery(options), /01-alpha\/bars\.vl\.json has no bars\.png beside it/);
  } finally {
    rmSync(fx.root, { recursive: true, force: true });
  }
});

test('the committed gallery (figures/index.html, figures/gallery/) is what npm run gallery builds from the committed figures', async () => {
  const plan = await planGallery({ figuresDir: 'figures', notebooksDir: 'notebooks' });
  const outdated = plan.files.filter((f) => {
    if (!existsSync(f.path)) return true;
    const want = 'text' in f ? Buffer.from(f.text) : readFileSync(f.copyOf);
    return !readFileSync(f.path).equals(want);
  });
  assert.deepEqual(
    outdated.map((f) => f.path),
    [],
    'these gallery files are missing or out of date: run npm run gallery and commit them',
  );
  assert.deepEqual(plan.stale, [], 'these specs scripts belong to no study: run npm run gallery');
});
