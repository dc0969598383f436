/** Test helpers: SVG snapshots on disk, the real Vega-Lite 5 JSON schema, PNG pixel statistics. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import Ajv from 'ajv';

const SNAPSHOTS = join(__dirname, '__snapshots__');

/** Compares `text` with the stored snapshot `name`; writes it when missing or when UPDATE_SNAPSHOTS=1. */
export function matchSnapshot(name: string, text: string): void {
  const file = join(SNAPSHOTS, `${name}.svg`);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  const stored = readFileSync(file, 'utf8');
  if (stored !== text) {
    let i = 0;
    while (i < stored.length && stored[i] === text[i]) i++;
    assert.fail(
      `SVG of "${name}" differs from ${file} at character ${i}:\n stored: …${stored.slice(i, i + 120)}\n now:    …${text.slice(i, i + 120)}\n(rerun with UPDATE_SNAPSHOTS=1 if the change is intended)`,
    );
  }
}

let validator: (((spec: unknown) => boolean) & { errors?: unknown }) | undefined;

/** Throws with ajv's errors unless `spec` is valid against vega-lite's shipped v5 schema. */
export function assertValidVegaLite(spec: unknown): void {
  if (!validator) {
    const schema = JSON.parse(readFileSync(require.resolve('vega-lite/build/vega-lite-schema.json'), 'utf8'));
    validator = new Ajv({ strict: false, allowUnionTypes: true, validateFormats: false }).compile(schema);
  }
  if (!validator(spec)) assert.fail(`spec is not valid Vega-Lite 5: ${JSON.stringify(validator.errors).slice(0, 1500)}`);
}

/** Returns the variance of the luminance of RGBA `pixels` (0 for a blank image). */
export function luminanceVariance(pixels: Uint8Array): number {
  let sum = 0;
  let sq = 0;
  const n = pixels.length / 4;
  for (let i = 0; i < pixels.length; i += 4) {
    const l = 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
    sum += l;
    sq += l * l;
  }
  return sq / n - (sum / n) ** 2;
}
