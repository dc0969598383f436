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
import { chromiumMissing, openGallery } from './chromium';
import { barSpec, makeFixture, sliderSpec } from './fixture';

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

test(
  'a fixture gallery with a range-bound param: the slider changes the SVG, hovering shows a tooltip',
  { skip: missing ?? false },
  async () => {
    const fx = await makeFixture([{ id: '01-fixture', specs: { slider: sliderSpec(), bars: barSpec() }, size: 'full' }]);
    try {
      const plan = await buildGallery({ figuresDir: fx.figures, notebooksDir: fx.notebooks });
      const g = await openGallery(plan.index);
      try {
        assert.deepEqual(await rendered(g.page), [
          { key: '01-fixture/slider', chart: true, failed: false },
          { key: '01-fixture/bars', chart: true, failed: false },
        ]);
        const { before, after } = await moveSlider(g.page, '01-fixture/slider', 0);
        assert.notEqual(after, before, 'moving γ from 1 to 4 redraws the line');
        // The points' vertical positions follow y = γ·x: at γ = 4 the highest point (x = 4, y = 16) is at the top of the plot.
        const ys = await g.page.$$eval('figure[data-spec="01-fixture/slider"] .mark-symbol path', (ps) =>
          ps.map((p) => Number(/translate\([^,]+,([^)]+)\)/.exec(p.getAttribute('transform') ?? '')?.[1])),
        );
        assert.equal(ys.length, 5);
        assert.equal(Math.min(...ys), 0, `points at ${ys.join(', ')}`);
        const bar = g.page.locator('figure[data-spec="01-fixture/bars"] .mark-rect path').first();
        await bar.hover();
        await g.page.waitForSelector('#vg-tooltip-element.visible', { timeout: 3000 });
        assert.match((await g.page.textContent('#vg-tooltip-element')) ?? '', /m\s*a/);
        assert.deepEqual(g.errors, []);
        assert.deepEqual(g.remote, []);
      } finally {
        await g.close();
      }
    } finally {
      rmSync(fx.root, { recursive: true, force: true });
    }
  },
);
