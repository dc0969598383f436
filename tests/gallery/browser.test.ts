/**
 * The gallery in a real browser (headless Debian chromium, from file://): every committed chart
 * renders, the console stays clean, nothing is fetched from the network, sliders change charts,
 * tooltips appear. Writes test-output/gallery/index.png (the whole committed index) to look at.
 * Skips, saying why, where Chromium is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { buildGallery } from '../../src/gallery/build';
import { STUDY_ID } from '../../src/gallery/readme';
import { chromiumMissing, openGallery, serveStatic } from './chromium';
import { barSpec, legendSpec, makeFixture, sliderSpec } from './fixture';

const missing = chromiumMissing();
const SCREENSHOT = 'test-output/gallery/index.png';

/** The parts of a range <input> and of the page's globals used inside the browser (the tests compile without the DOM lib). */
type RangeInput = { value: string; min: string; max: string; dispatchEvent(e: Event): boolean };
type BrowserGlobals = { document: { querySelector(selector: string): { innerHTML: string } | null } };

/** Returns, per figure of the page, its spec key and whether its chart slot holds an <svg> or <canvas>. */
function rendered(page: Page): Promise<{ key: string; chart: boolean; failed: boolean }[]> {
  return page.$$eval('figure[data-spec]', (figs) =>
    figs.map((f) => ({
      key: f.getAttribute('data-spec') ?? '',
      chart: f.querySelector('.chart svg, .chart canvas') !== null,
      failed: f.classList.contains('failed'),
    })),
  );
}

/** Moves range input `index` of figure `key` to its other end (an input event, as a drag does); returns the SVG before and after. */
async function moveSlider(page: Page, key: string, index: number): Promise<{ before: string; after: string }> {
  const fig = page.locator(`figure[data-spec="${key}"]`);
  const before = await fig.locator('.chart svg').first().innerHTML();
  await fig
    .locator('input[type=range]')
    .nth(index)
    .evaluate((el) => {
      const input = el as unknown as RangeInput;
      input.value = input.value === input.max ? input.min : input.max;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  await page
    .waitForFunction(
      ([k, old]) =>
        (globalThis as unknown as BrowserGlobals).document.querySelector(`figure[data-spec="${k}"] .chart svg`)?.innerHTML !== old,
      [key, before] as const,
      { timeout: 3000 },
    )
    .catch(() => undefined);
  return { before, after: await fig.locator('.chart svg').first().innerHTML() };
}

test(
  'the committed gallery: every chart renders from file://, no console error, no network, sliders move charts; screenshot',
  { skip: missing ?? false },
  async () => {
    const specs = readdirSync('figures')
      .filter((d) => STUDY_ID.test(d))
      .flatMap((d) =>
        readdirSync(join('figures', d))
          .filter((f) => f.endsWith('.vl.json'))
          .map((f) => `${d}/${f.replace('.vl.json', '')}`),
      );
    const g = await openGallery(resolve('figures/index.html'));
    try {
      const figs = await rendered(g.page);
      assert.deepEqual(figs.map((f) => f.key).sort(), specs.sort(), 'one figure per committed spec');
      assert.deepEqual(
        figs.filter((f) => !f.chart || f.failed).map((f) => f.key),
        [],
        'charts without an SVG/canvas, or failed',
      );
      assert.equal(await g.page.getAttribute('body', 'data-gallery'), 'ready');
      assert.equal(await g.page.getAttribute('body', 'data-live'), String(specs.length));
      // Every committed slider changes its chart.
      const sliders = await g.page.$$eval('figure[data-spec]', (fs) =>
        fs.map((f) => [f.getAttribute('data-spec') ?? '', f.querySelectorAll('input[type=range]').length] as const),
      );
      for (const [key, n] of sliders) {
        for (let i = 0; i < n; i++) {
          const { before, after } = await moveSlider(g.page, key, i);
          assert.notEqual(after, before, `${key}: slider ${i} did not change the chart`);
        }
      }
      assert.deepEqual(g.errors, [], 'console errors');
      assert.deepEqual(g.remote, [], 'requests that are not file://');
      mkdirSync('test-output/gallery', { recursive: true });
      await g.page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await g.close();
    }
  },
);

/** Returns, per figure of the page, its spec key and whether it shows an <img> that loaded (its PNG). */
function pngsShown(page: Page): Promise<{ key: string; png: boolean }[]> {
  return page.$$eval('figure[data-spec]', (figs) =>
    figs.map((f) => {
      const img = f.querySelector('.chart img') as unknown as { complete: boolean; naturalWidth: number } | null;
      return { key: f.getAttribute('data-spec') ?? '', png: img !== null && img.complete && img.naturalWidth > 0 };
    }),
  );
}

test(
  'a fixture gallery: slider, legend selection and tooltip work; PNGs show with scripts off or without vega-embed',
  { skip: missing ?? false },
  async (t) => {
    const specs = { slider: sliderSpec(), legend: legendSpec(), bars: barSpec() };
    const keys = Object.keys(specs).map((name) => `01-fixture/${name}`);
    const fx = await makeFixture([{ id: '01-fixture', specs, size: 'full' }]);
    try {
      const plan = await buildGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks });

      await t.test('live charts respond to the slider, the legend and the pointer', async () => {
        const g = await openGallery(plan.index);
        try {
          assert.deepEqual(
            await rendered(g.page),
            keys.map((key) => ({ key, chart: true, failed: false })),
          );
          const { before, after } = await moveSlider(g.page, '01-fixture/slider', 0);
          assert.notEqual(after, before, 'moving γ from 1 to 4 redraws the line');
          // y = γ·x on a fixed 0…16 axis: at γ = 4 the last point (x = 4, y = 16) sits at the top of the plot (y = 0).
          const ys = await g.page.$$eval('figure[data-spec="01-fixture/slider"] .mark-symbol path', (ps) =>
            ps.map((p) => Number(/translate\([^,]+,([^)]+)\)/.exec(p.getAttribute('transform') ?? '')?.[1])),
          );
          assert.equal(ys.length, 5);
          assert.equal(Math.min(...ys), 0, `points at ${ys.join(', ')}`);
          // Clicking legend entry "a" fades line "b" (opacity 0.15) and keeps "a" at 1.
          const legend = g.page.locator('figure[data-spec="01-fixture/legend"]');
          const opacities = () =>
            legend
              .locator('.mark-line path')
              .evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke-opacity') ?? p.getAttribute('opacity') ?? '1'));
          assert.deepEqual(await opacities(), ['1', '1']);
          await legend.locator('.role-legend-symbol path').first().click();
          for (let tries = 0; tries < 30 && (await opacities())[1] === '1'; tries++) await g.page.waitForTimeout(100);
          assert.deepEqual(await opacities(), ['1', '0.15']);
          await g.page.locator('figure[data-spec="01-fixture/bars"] .mark-rect path').first().hover();
          await g.page.waitForSelector('#vg-tooltip-element.visible', { timeout: 3000 });
          assert.match((await g.page.textContent('#vg-tooltip-element')) ?? '', /m\s*a/);
          assert.deepEqual(g.errors, []);
          assert.deepEqual(g.remote, []);
        } finally {
          await g.close();
        }
      });

      await t.test('served by a static http server, every chart renders and nothing outside it is asked for', async () => {
        const server = await serveStatic(fx.figures);
        try {
          const g = await openGallery(`${server.url}index.html`);
          try {
            assert.deepEqual(
              await rendered(g.page),
              keys.map((key) => ({ key, chart: true, failed: false })),
            );
            assert.deepEqual(g.errors, []);
            assert.deepEqual(g.remote, []);
          } finally {
            await g.close();
          }
        } finally {
          await server.close();
        }
      });

      await t.test('with scripts off every figure shows its PNG', async () => {
        const g = await openGallery(plan.index, { javaScript: false });
        try {
          assert.deepEqual(
            await pngsShown(g.page),
            keys.map((key) => ({ key, png: true })),
          );
        } finally {
          await g.close();
        }
      });

      await t.test('when vega-embed does not load, every figure shows its PNG and the console names it', async () => {
        rmSync(join(fx.figures, 'gallery', 'vendor', 'vega-embed.min.js'));
        const g = await openGallery(plan.index);
        try {
          assert.equal(await g.page.getAttribute('body', 'data-gallery'), 'failed');
          assert.deepEqual(
            await pngsShown(g.page),
            keys.map((key) => ({ key, png: true })),
          );
          for (const key of keys)
            assert.ok(
              g.errors.some((e) => e.includes(`chart ${key} did not render: vega-embed did not load`)),
              key,
            );
        } finally {
          await g.close();
        }
      });
    } finally {
      rmSync(fx.root, { recursive: true, force: true });
    }
  },
);
