/**
 * Rendering in Node: Vega-Lite → Vega → headless View → SVG text; SVG → PNG with resvg and an
 * explicit font, so text looks the same on every machine.
 *
 * Text measurement: without the optional `canvas` package, vega's headless View would estimate
 * text widths as 0.8 em per character (about 35% too wide for DejaVu Sans, which misplaces
 * headers and legends). When the font file is found, vega's `textMetrics.width` is replaced by
 * the font's own advance widths (font.ts; no kerning; bold estimated as 10% wider); without the
 * font, vega's estimate stays. The glyphs themselves are drawn by resvg from the same file.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { fontMeasure } from './font';
import { FONT_FAMILY, MAX_FIGURE_WIDTH } from './theme';

/** Where the charts' font is looked for, in order (GUIDANCE_LAB_FONT overrides); Debian's fonts-dejavu-core installs the first. */
export const FONT_CANDIDATES: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/Library/Fonts/DejaVuSans.ttf',
];

let warnedMissingFont = false;

/** Returns the path of the DejaVu Sans TTF used for PNG text, or null (with one warning on stderr) when none is found. */
export function fontFile(): string | null {
  const override = process.env.GUIDANCE_LAB_FONT;
  if (override) {
    if (!existsSync(override))
      throw new Error(`GUIDANCE_LAB_FONT is "${override}", which does not exist; point it at a TTF of ${FONT_FAMILY}`);
    return override;
  }
  const found = FONT_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  if (!warnedMissingFont) {
    warnedMissingFont = true;
    process.stderr.write(
      `guidance-lab viz: no ${FONT_FAMILY} font found (looked in ${FONT_CANDIDATES.join(', ')}); ` +
        `PNG text falls back to the system's fonts and may differ between machines or be missing. ` +
        `Install it (Debian: apt-get install fonts-dejavu-core) or set GUIDANCE_LAB_FONT.\n`,
    );
  }
  return null;
}

type TextItem = { fontSize?: number; fontWeight?: string | number };
let measuring = false;

/** Makes vega measure text with the chart font's advance widths (once per process; a no-op without the font). */
function useFontMetrics(): void {
  if (measuring) return;
  measuring = true;
  const file = fontFile();
  if (!file) return;
  const measure = fontMeasure(file);
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
  metrics.width = (item, text) => {
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return measure(text == null ? '' : String(text).trim(), item.fontSize ?? 11) * (bold ? 1.1 : 1);
  };
}

/**
 * Returns the SVG text of `spec`, rendered headless by vega (no canvas needed; text measured with the chart font), with
 * `signals` (e.g. a slider's value) set before rendering; by default the spec's initial state.
 */
export async function toSvg(spec: TopLevelSpec, signals: Readonly<Record<string, unknown>> = {}): Promise<string> {
  useFontMetrics();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    for (const [name, value] of Object.entries(signals)) view.signal(name, value);
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A rendered PNG: its bytes, its size in pixels and its RGBA pixels. */
export interface RenderedPng {
  png: Buffer;
  width: number;
  height: number;
  pixels: Buffer;
}

/** Returns the PNG of an SVG text at `scale` device pixels per SVG pixel (default 2), text drawn with the chart font. */
export function svgToPng(svg: string, scale = 2): RenderedPng {
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`svgToPng: scale is ${scale}; it must be a positive number`);
  const file = fontFile();
  const font = file ? { fontFiles: [file], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY } : { loadSystemFonts: true };
  const image = new Resvg(svg, { font, fitTo: { mode: 'zoom', value: scale }, background: 'white' }).render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}

/** Returns the PNG of `spec` (see svgToPng). */
export async function toPng(spec: TopLevelSpec, scale = 2): Promise<RenderedPng> {
  return svgToPng(await toSvg(spec), scale);
}

/** The files saveFigure wrote. */
export interface SavedFigure {
  svg: string;
  png: string;
  spec: string;
}

/** Returns the width of an SVG text at 1× (its root's `width` attribute, in SVG pixels). */
export function svgWidth(svg: string): number {
  const m = /<svg\b[^>]*?\swidth="([0-9.]+)"/.exec(svg);
  if (!m) throw new Error(`svgWidth: no width attribute on the root <svg> of: ${svg.slice(0, 120)}`);
  return Number(m[1]);
}

/**
 * Writes `<base>.svg`, `<base>.png` and `<base>.vl.json` (creating folders) and returns their paths. Throws, writing
 * nothing, when the figure is wider than MAX_FIGURE_WIDTH at 1× (wrap it into more rows).
 */
export async function saveFigure(spec: TopLevelSpec, base: string, scale = 2): Promise<SavedFigure> {
  const svg = await toSvg(spec);
  const width = svgWidth(svg);
  if (width > MAX_FIGURE_WIDTH) {
    throw new Error(`saveFigure: ${base} is ${width} px wide at 1×; figures must be at most ${MAX_FIGURE_WIDTH} px (wrap it into rows)`);
  }
  const paths = { svg: `${base}.svg`, png: `${base}.png`, spec: `${base}.vl.json` };
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(paths.svg, svg);
  writeFileSync(paths.png, svgToPng(svg, scale).png);
  writeFileSync(paths.spec, `${JSON.stringify(spec, null, 1)}\n`);
  return paths;
}
