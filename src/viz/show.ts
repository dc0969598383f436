/**
 * Notebook display. In a tslab kernel a chart is sent as ONE display_data bundle: the Vega-Lite
 * spec as a JSON object (interactive in JupyterLab), a PNG beside it (GitHub, nbconvert) and
 * text/plain, never text/html. tslab has no public call for a multi-MIME bundle, so show() uses
 * the kernel's private `tslab/dist/jupyter.js` export `lastWriteDisplayData`, guarded; without it,
 * tslab's public `display.png`; outside any kernel, a PNG file in the temp folder.
 * tslab is only ever required inside show(): it throws when loaded outside a kernel.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { pngSize } from './png';
import { toPng } from './render';

/** The MIME type JupyterLab 4 renders Vega-Lite 5 specs from. */
export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

/** A Jupyter display_data content: MIME bundle, per-MIME metadata, transient (display id). */
export interface DisplayBundle {
  data: { [mime: string]: unknown };
  metadata: { [mime: string]: unknown };
  transient: { [key: string]: unknown };
}

/** How show() or showImage() delivered its output. */
export interface ShowResult {
  via: 'bundle' | 'tslab-png' | 'file';
  bundle: DisplayBundle;
  /** The PNG file written when no kernel was found. */
  path?: string;
}

type WriteDisplayData = (bundle: DisplayBundle, update: boolean) => void;

/** Returns the text/plain fallback: the chart's title and size. */
function plainText(spec: TopLevelSpec, width: number, height: number): string {
  const t = (spec as { title?: unknown }).title;
  const title = typeof t === 'string' ? t : t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text) : 'untitled';
  return `<Vega-Lite chart "${title}", ${width}×${height} px>`;
}

/**
 * Returns the display_data bundle of `spec` and its rendered `png` (drawn at `scale` device pixels per CSS pixel): spec object + base64 PNG
 * + text/plain, no text/html.
 */
export function displayBundle(spec: TopLevelSpec, png: Uint8Array, scale = 2): DisplayBundle {
  const { width, height } = pngSize(png);
  const w = Math.round(width / scale);
  const h = Math.round(height / scale);
  return {
    data: {
      [VEGALITE_MIME]: JSON.parse(JSON.stringify(spec)) as object,
      'image/png': Buffer.from(png).toString('base64'),
      'text/plain': plainText(spec, w, h),
    },
    metadata: { 'image/png': { width: w, height: h } },
    transient: {},
  };
}

/** Returns the running tslab kernel's display writer from require.cache, or null when there is none (or its private API changed). */
function kernelWriter(): WriteDisplayData | null {
  for (const [key, mod] of Object.entries(require.cache)) {
    if (!key.replace(/\\/g, '/').endsWith('tslab/dist/jupyter.js')) continue;
    const write = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof write === 'function') return write as WriteDisplayData;
  }
  return null;
}

/** Sends `bundle` to the kernel, else the PNG through tslab's public API, else writes the PNG to a temp file and prints its path. */
function publish(bundle: DisplayBundle, png: Uint8Array): ShowResult {
  const write = kernelWriter();
  if (write) {
    write(bundle, false);
    return { via: 'bundle', bundle };
  }
  try {
    // Lazy on purpose: tslab throws when loaded outside a kernel, and "Not ready" between cells.
    const tslab = require('tslab') as { display: { png(b: Uint8Array): void } };
    tslab.display.png(png);
    return { via: 'tslab-png', bundle };
  } catch {
    const path = join(tmpdir(), `guidance-lab-${createHash('sha1').update(png).digest('hex').slice(0, 12)}.png`);
    writeFileSync(path, png);
    process.stdout.write(`${String(bundle.data['text/plain'])} written to ${path}\n`);
    return { via: 'file', bundle, path };
  }
}

/** Renders `spec` and displays it (see the module comment); returns how it was delivered. Await it inside a cell. */
export async function show(spec: TopLevelSpec, scale = 2): Promise<ShowResult> {
  const { png } = await toPng(spec, scale);
  return publish(displayBundle(spec, png, scale), png);
}

/** Displays a ready PNG (e.g. from encodeGrayPng) the same way as show(), without a spec; returns how it was delivered. */
export function showImage(png: Uint8Array): ShowResult {
  const { width, height } = pngSize(png);
  const bundle: DisplayBundle = {
    data: { 'image/png': Buffer.from(png).toString('base64'), 'text/plain': `<PNG image, ${width}×${height} px>` },
    metadata: {},
    transient: {},
  };
  return publish(bundle, png);
}
