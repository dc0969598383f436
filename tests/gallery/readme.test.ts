/** Parsing figures/README.md: Markdown blocks and inline HTML, study text, tables and captions (on fixed text and on the real README). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { inlineHtml, parseBlocks } from '../../src/gallery/markdown';
import { parseFiguresReadme, STUDY_ID } from '../../src/gallery/readme';

test('blocks: headings, joined paragraph lines, pipe tables (escaped pipes kept), fenced code skipped', () => {
  const md = [
    '# Title',
    '',
    'one',
    'two',
    '',
    '```bash',
    '| not | a table |',
    '```',
    '| a | b \\| c |',
    '|---|:--:|',
    '| 1 | 2 |',
    'after',
  ].join('\n');
  assert.deepEqual(parseBlocks(md), [
    { kind: 'heading', level: 1, text: 'Title' },
    { kind: 'paragraph', text: 'one two' },
    { kind: 'table', table: { header: ['a', 'b | c'], rows: [['1', '2']] } },
    { kind: 'paragraph', text: 'after' },
  ]);
});

test('inline Markdown: code, bold, italics and links rendered, HTML escaped, nothing inside code interpreted', () => {
  assert.equal(
    inlineHtml('**3.03** *received* `a*b*<c>` [x](y.md) <b> & D_pos × γ'),
    '<strong>3.03</strong> <em>received</em> <code>a*b*&lt;c&gt;</code> <a href="y.md">x</a> &lt;b&gt; &amp; D_pos × γ',
  );
});

test('study text, tables (headline first, paragraphs in order) and figure captions from a fixed README', () => {
  const md = `# Figures

## The figures

| notebook | figure | what it shows |
|---|---|---|
| 03-sag | \`mask\` | the mask |
| | \`ablation-kid\`, \`ablation-accuracy\` | the ablation |
| 04-pag | \`kid-vs-gamma\` | PAG |

## Studies

### 03-sag: self-attention guidance

**Question.** Does it help?

**Method.** Blur where attention is high.
Then guide.

## Results

### 03-sag: best

Intro.

| m | FID |
|---|---|
| sag | 4.08 |

Outro.

#### 03-sag  (samples 256)

| m | FID |
|---|---|
| sag | 4.17 |

#### 04-pag

| m | FID |
|---|---|
| pag | 3.6 |
`;
  const r = parseFiguresReadme(md);
  const sag = r.studies.get('03-sag');
  assert.ok(sag);
  assert.equal(sag.title, 'self-attention guidance');
  assert.equal(sag.question, 'Does it help?');
  assert.equal(sag.method, 'Blur where attention is high. Then guide.');
  assert.deepEqual(
    sag.tables.map((t) => [t.caption, t.items.map((i) => (i.kind === 'paragraph' ? i.text : i.table.rows[0][1]))]),
    [
      ['best', ['Intro.', '4.08', 'Outro.']],
      ['(samples 256)', ['4.17']],
    ],
  );
  const pag = r.studies.get('04-pag');
  assert.equal(pag?.question, null, 'no Studies entry: no question');
  assert.equal(pag?.tables.length, 1);
  assert.deepEqual(
    [...r.captions],
    [
      ['03-sag/mask', 'the mask'],
      ['03-sag/ablation-kid', 'the ablation'],
      ['03-sag/ablation-accuracy', 'the ablation'],
      ['04-pag/kid-vs-gamma', 'PAG'],
    ],
  );
});

test("the real figures/README.md: every study has a question, a method, captions; 09-comparison's best rows match rows.json", () => {
  const r = parseFiguresReadme(readFileSync('figures/README.md', 'utf8'));
  const studies = readdirSync('figures').filter((d) => STUDY_ID.test(d));
  assert.ok(studies.length >= 10);
  for (const id of studies) {
    const s = r.studies.get(id);
    assert.ok(s?.question && s.method && s.title, `${id}: question, method and title`);
    for (const spec of readdirSync(`figures/${id}`).filter((f) => f.endsWith('.vl.json'))) {
      assert.ok(r.captions.get(`${id}/${spec.replace('.vl.json', '')}`), `${id}/${spec} has a caption in "The figures"`);
    }
  }
  // Independent truth: the numbers the notebook saved. The README's results table gives each method's best γ and
  // pooled FID to 2 decimals ("CFG-Zero* (0.75)" → cfg-zero at γ 0.75; a row naming several methods is skipped).
  const saved = JSON.parse(readFileSync('figures/09-comparison/rows.json', 'utf8')) as {
    rows: { best: { method: string; bestGamma: number; value: number }[] };
  };
  const tables = r.studies.get('09-comparison')!.tables.flatMap((t) => t.items.flatMap((i) => (i.kind === 'table' ? [i.table] : [])));
  const results = tables.find((t) => t.header[0] === 'method (best γ)');
  assert.ok(results, '09-comparison has its results table');
  const parsed = results.rows.flatMap((row) => {
    const m = /^([A-Za-z-]+)\*? \((\d+(?:\.\d+)?)(?:[,;][^)]*)?\)$/.exec(row[0]);
    return m ? [{ method: m[1].toLowerCase(), gamma: Number(m[2]), fid: row[1].split(' ')[0] }] : [];
  });
  assert.ok(parsed.length >= 10, `${parsed.length} methods parsed from the results table`);
  for (const p of parsed) {
    const b = saved.rows.best.find((x) => x.method === p.method);
    assert.ok(b, `${p.method} is in rows.json`);
    assert.equal(p.gamma, b.bestGamma, `${p.method} γ`);
    assert.equal(p.fid, b.value.toFixed(2), `${p.method} FID`);
  }
});

test('every image README.md and figures/README.md show exists (a deleted figure once stayed linked from the README)', () => {
  const missing = [
    ['README.md', ''],
    ['figures/README.md', 'figures/'],
  ].flatMap(([file, base]) =>
    [...readFileSync(file, 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+\.(?:png|svg))\)/g)]
      .map((m) => `${base}${m[1]}`)
      .filter((path) => !existsSync(path))
      .map((path) => `${file}: ${path}`),
  );
  assert.deepEqual(missing, []);
});
