/**
 * The gallery's files as text: `index.html` (one section per study: question, method, headline
 * table, live charts with their PNG as no-script fallback) and one `specs/<study>.js` per study that
 * puts its specs on `window.GALLERY_SPECS` (a file:// page may not fetch JSON, but it may load scripts).
 */
import type { Chart } from './collect';
import { escapeHtml, inlineHtml, type Table } from './markdown';
import type { StudyTable, StudyText } from './readme';
import type { StudySize } from './size';

/** One study as the page shows it. */
export interface StudyPage {
  id: string;
  text: StudyText;
  size: StudySize;
  charts: Chart[];
  /** Caption per chart name, from figures/README.md (inline Markdown). */
  captions: Map<string, string>;
  /** Link from the page to the study's notebook, or null when there is none. */
  notebookHref: string | null;
}

/** The whole page: studies in order and the versions of the bundled libraries. */
export interface GalleryPage {
  studies: StudyPage[];
  versions: { vega: string; vegaLite: string; vegaEmbed: string };
  /** Script files (relative to the page) loaded before the specs, in order. */
  vendorScripts: string[];
}

/** Returns the key under which a chart's spec is stored in `window.GALLERY_SPECS` (`study/name`). */
export function specKey(chart: Pick<Chart, 'study' | 'name'>): string {
  return `${chart.study}/${chart.name}`;
}

/** Returns the path (relative to the page) of a study's specs script. */
export function specsScriptPath(study: string): string {
  return `gallery/specs/${study}.js`;
}

/** Returns the JavaScript that adds a study's specs to `window.GALLERY_SPECS`. */
export function specsScript(charts: readonly Chart[]): string {
  const lines = charts.map((c) => `window.GALLERY_SPECS[${JSON.stringify(specKey(c))}] = ${JSON.stringify(c.spec)};`);
  return ['window.GALLERY_SPECS = window.GALLERY_SPECS || {};', ...lines, ''].join('\n');
}

/** Returns a table's HTML, cells rendered from inline Markdown. */
function tableHtml(t: Table, caption: string): string {
  const head = `<tr>${t.header.map((h) => `<th>${inlineHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${inlineHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const cap = caption ? `<caption>${inlineHtml(caption)}</caption>` : '';
  return `<div class="table-wrap"><table>${cap}<thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Returns a README block's HTML: its paragraphs (as notes) and tables in their order, the heading's rest as the first table's caption. */
function blockHtml(b: StudyTable): string {
  let caption = b.caption;
  return b.items
    .map((i) => {
      if (i.kind === 'paragraph') return `<p class="note">${inlineHtml(i.text)}</p>`;
      const html = tableHtml(i.table, caption);
      caption = '';
      return html;
    })
    .join('\n');
}

/** Returns the line under a study's heading: its size (with the markers it was read from) and notebook link. */
function metaHtml(s: StudyPage): string {
  const evidence = escapeHtml(s.size.evidence.join('; ') || 'no rows.json and no size line in the notebook outputs');
  const label =
    s.size.size === 'full' ? 'full size' : s.size.size === 'smoke' ? 'SMOKE size: numbers only check that it runs' : 'size unknown';
  const parts = [`<span class="size size-${s.size.size}" title="${evidence}">${label}</span>`];
  const m = s.size.measured;
  if (m) parts.push(`${m.samples} samples per point, ${escapeHtml(m.sampler)} ${m.steps} steps`);
  if (s.notebookHref) parts.push(`notebook <a href="${escapeHtml(s.notebookHref)}">${escapeHtml(s.id)}.ipynb</a>`);
  return `<p class="meta">${parts.join(' · ')}</p>`;
}

/** Returns one chart's figure: a live chart slot (PNG inside <noscript>), its caption and links to its files. */
function chartHtml(c: Chart, caption: string | undefined): string {
  const title = (c.spec as { title?: string | { text?: string | string[] } }).title;
  const text = typeof title === 'string' ? title : title?.text;
  const titleText = Array.isArray(text) ? text.join(' ') : (text ?? c.name);
  const alt = escapeHtml(`${c.name}: ${titleText}`);
  const png = escapeHtml(c.pngFile);
  const links = [`<a href="${escapeHtml(c.specFile)}">spec</a>`, `<a href="${png}">png</a>`];
  if (c.svgFile) links.push(`<a href="${escapeHtml(c.svgFile)}">svg</a>`);
  const id = escapeHtml(specKey(c).replace('/', '--'));
  const captionHtml = caption ? ` ${inlineHtml(caption)}` : '';
  return [
    `<figure class="chart-figure" id="${id}" data-spec="${escapeHtml(specKey(c))}" data-png="${png}">`,
    `<div class="chart"><noscript><img src="${png}" alt="${alt}"></noscript></div>`,
    `<figcaption><code>${escapeHtml(c.name)}</code>${captionHtml} <span class="files">${links.join(' ')}</span></figcaption>`,
    `</figure>`,
  ].join('\n');
}

/** Returns one study's section. */
function studyHtml(s: StudyPage): string {
  const [headline, ...more] = s.text.tables;
  const moreLabel = more.length === 1 ? 'one more table' : `${more.length} more tables`;
  const details = more.length
    ? `<details><summary>more measured points (${moreLabel})</summary>\n${more.map(blockHtml).join('\n')}\n</details>`
    : '';
  return [
    `<section class="study" id="${escapeHtml(s.id)}">`,
    `<h2><span class="study-id">${escapeHtml(s.id)}</span> ${inlineHtml(s.text.title)}</h2>`,
    metaHtml(s),
    `<dl class="qm"><dt>Question</dt><dd>${inlineHtml(s.text.question ?? '')}</dd>`,
    `<dt>Method</dt><dd>${inlineHtml(s.text.method ?? '')}</dd></dl>`,
    headline ? blockHtml(headline) : '',
    details,
    `<div class="charts">\n${s.charts.map((c) => chartHtml(c, s.captions.get(c.name))).join('\n')}\n</div>`,
    `</section>`,
  ]
    .filter((x) => x !== '')
    .join('\n');
}

/** Returns "1 study" or "3 studies". */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Returns the gallery's index.html. */
export function indexHtml(page: GalleryPage): string {
  const toc = page.studies.map(
    (s) => `<li><a href="#${escapeHtml(s.id)}"><span class="study-id">${escapeHtml(s.id)}</span> ${inlineHtml(s.text.title)}</a></li>`,
  );
  const charts = page.studies.reduce((n, s) => n + s.charts.length, 0);
  const v = page.versions;
  const scripts = [...page.vendorScripts, ...page.studies.map((s) => specsScriptPath(s.id)), 'gallery/gallery.js'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>guidance-lab figures</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="gallery/gallery.css">
</head>
<body>
<header>
<h1>guidance-lab figures</h1>
<p>${count(page.studies.length, 'study', 'studies')}, ${count(charts, 'chart', 'charts')}, each made by a notebook in <code>notebooks/</code>. Every chart is live:
hover for values, and use its sliders and legends where it has them. With scripts off each chart shows its PNG.
Numbers and text come from <a href="README.md">figures/README.md</a>; rebuild with <code>npm run gallery</code>.</p>
<p class="status" id="gallery-status">Rendering charts…</p>
<nav><ol>
${toc.join('\n')}
</ol></nav>
</header>
<main>
${page.studies.map((s) => studyHtml(s)).join('\n')}
</main>
<footer>Built from the committed figures by <code>npm run gallery</code> with vega ${escapeHtml(v.vega)},
vega-lite ${escapeHtml(v.vegaLite)} and vega-embed ${escapeHtml(v.vegaEmbed)}, copied into <code>gallery/vendor/</code>:
nothing is loaded from the network.</footer>
${scripts.map((src) => `<script src="${escapeHtml(src)}"></script>`).join('\n')}
</body>
</html>
`;
}
