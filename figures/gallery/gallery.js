// Copied by npm run gallery from src/gallery/static/gallery.js: embeds every chart of the page with vega-embed, one after another
// (the page paints in between); a chart that fails shows its PNG and logs the error naming its spec. Then sets data-gallery on
// <body> to "ready" (all live) or "failed", and data-live to the number of live charts.
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
