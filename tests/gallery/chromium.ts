/**
 * Opens a built gallery in headless Chromium (Debian's `chromium`, driven by playwright-core) from
 * file://, with a fresh profile and no network services, and collects what the console reported.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** URLs the page asked for that are not file:// (nothing should be fetched from the network). */
  remote: string[];
  close(): Promise<void>;
}

/**
 * Opens `index` (a path) in a fresh headless Chromium and waits until the gallery script has embedded every chart
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
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) remote.push(r.url());
    });
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
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
