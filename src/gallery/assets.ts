/**
 * The gallery's own static files, as text: the script that turns every `[data-spec]` figure into a
 * live vega-embed chart (or, when that fails, shows its PNG and logs the error naming the spec), and
 * the stylesheet.
 */

/**
 * Returns gallery.js. It embeds the charts one after another (the page paints in between), then sets
 * `data-gallery` on <body> to `ready` (all live) or `failed`, and `data-live` to the number of live charts.
 */
export function clientScript(): string {
  return `// Written by npm run gallery (src/gallery/assets.ts): embeds every chart of the page with vega-embed.
(function () {
  'use strict';
  var specs = window.GALLERY_SPECS || {};
  var figures = Array.prototype.slice.call(document.querySelectorAll('figure[data-spec]'));
  var status = document.getElementById('gallery-status');
  var live = 0;
  var failed = [];

  function showFallback(figure, key, error) {
    failed.push(key);
    console.error('gallery: chart ' + key + ' did not render: ' + (error && error.message ? error.message : error));
    var slot = figure.querySelector('.chart');
    var img = document.createElement('img');
    img.src = figure.getAttribute('data-png');
    img.alt = key + ' (static PNG: the live chart failed)';
    slot.appendChild(img);
    var note = document.createElement('p');
    note.className = 'chart-error';
    note.textContent = 'The live chart failed (' + (error && error.message ? error.message : error) + '); this is its PNG.';
    figure.insertBefore(note, slot.nextSibling);
    figure.classList.add('failed');
  }

  function embed(figure) {
    var key = figure.getAttribute('data-spec');
    var spec = specs[key];
    if (!spec) {
      showFallback(figure, key, new Error('its spec is missing from gallery/specs/'));
      return Promise.resolve();
    }
    var options = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
    return window.vegaEmbed(figure.querySelector('.chart'), spec, options).then(
      function () { live += 1; figure.classList.add('live'); },
      function (error) { showFallback(figure, key, error); }
    );
  }

  function finish() {
    document.body.setAttribute('data-live', String(live));
    document.body.setAttribute('data-gallery', failed.length ? 'failed' : 'ready');
    if (status) {
      status.textContent = failed.length
        ? failed.length + ' of ' + figures.length + ' charts failed (their PNGs are shown): ' + failed.join(', ')
        : '';
      status.hidden = !failed.length;
    }
  }

  if (typeof window.vegaEmbed !== 'function') {
    figures.forEach(function (f) { showFallback(f, f.getAttribute('data-spec'), new Error('vega-embed did not load')); });
    finish();
    return;
  }
  figures.reduce(function (done, figure) {
    return done.then(function () { return embed(figure); });
  }, Promise.resolve()).then(finish);
})();
`;
}

/** Returns gallery.css. */
export function stylesheet(): string {
  return `/* Written by npm run gallery (src/gallery/assets.ts). */
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 "DejaVu Sans", system-ui, sans-serif; }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 8px; font-size: 28px; }
a { color: var(--accent); }
code { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 0.9em; background: var(--soft); padding: 0 3px; }
nav ol { list-style: none; padding: 0; margin: 12px 0 16px; display: grid; gap: 2px 16px; }
nav ol { grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); }
nav a { text-decoration: none; }
.study-id { font-family: "DejaVu Sans Mono", ui-monospace, monospace; color: var(--muted); font-weight: normal; }
.status { color: #9a6700; }
.study { padding: 16px 0 24px; border-bottom: 1px solid var(--line); }
.study h2 { margin: 8px 0 2px; font-size: 22px; }
.meta { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
.size { padding: 1px 6px; border-radius: 10px; font-weight: bold; }
.size-full { background: #dafbe1; color: #1a7f37; }
.size-smoke, .size-unknown { background: #fff1e5; color: #bc4c00; }
.qm { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 8px 0 12px; max-width: 980px; }
.qm dt { font-weight: bold; }
.qm dd { margin: 0; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 4px 0; font-size: 13px; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding: 2px 0; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.note { font-size: 13px; color: var(--muted); max-width: 980px; margin: 6px 0; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; margin-top: 12px; }
.chart-figure { margin: 0; padding: 8px; border: 1px solid var(--line); border-radius: 6px; width: min-content; max-width: 100%; }
.chart { overflow-x: auto; max-width: 100%; }
.chart img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: var(--muted); min-width: 260px; margin-top: 4px; }
.files { white-space: nowrap; }
.files a { margin-left: 6px; font-size: 12px; }
.chart-error { color: #cf222e; font-size: 13px; }
.vega-bindings { font-size: 13px; margin-top: 4px; }
.vega-bind { display: flex; align-items: center; gap: 6px; }
footer { padding: 16px 24px 32px; color: var(--muted); font-size: 13px; }
`;
}
