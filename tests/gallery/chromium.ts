/**
 * Opens a built gallery in headless Chromium (Debian's `chromium`, driven by playwright-core) from
 * file:// or a local static server, with a fresh profile and no network services, and collects what
 * the console reported and which requests left the gallery's origin.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The Chromium binary: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Returns why the browser tests cannot run here, or null when Chromium is present. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An open gallery page, the console errors and non-file requests seen so far, and a close() that removes the profile. */
export interface OpenGallery {
  page: Page;
  errors: string[];
  /** URLs the page asked for outside the gallery's own origin (file://, or the local server): nothing should be. */
  remote: string[];
  close(): Promise<void>;
}

/**
 * Opens `index` (a path, or an http://127.0.0.1 URL of `serveStatic`) in a fresh headless Chromium and waits until the gallery script has
 * embedded every chart
 * (with `javaScript: false`, until the page and its images have loaded).
 */
export async function openGallery(index: string, options: { javaScript?: boolean } = {}): Promise<OpenGallery> {
  const javaScriptEnabled = options.javaScript ?? true;
  const profile = mkdtempSync(join(tmpdir(), 'gallery-chromium-'));
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    const remote: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    const url = index.startsWith('http://') ? index : pathToFileURL(index).href;
    const origin = url.startsWith('file:') ? 'file:' : new URL(url).origin;
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) remote.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    if (javaScriptEnabled) await page.waitForSelector('body[data-gallery]', { timeout: 20_000 });
    const ctx = context;
    return {
      page,
      errors,
      remote,
      close: async () => {
        await ctx.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Serves `root` read-only over http on 127.0.0.1 (a plain static host); returns its base URL and a close(). */
export async function serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const file = path.endsWith(sep) ? join(path, 'index.html') : path;
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((done) => server.close(() => done())) };
}
