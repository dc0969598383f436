/**
 * Which sampler and step count keep mnist-unet-main's samples good, unguided and with CFG: class
 * accuracy and KID×10³ of 200 samples (labels cycling 0…9, seed 0) against 1000 held-out digits, for
 * each [sampler, steps] given as JSON, e.g.
 *   node --import tsx tools/sampler-quality.ts '[["euler",8],["heun",5]]'
 * Slow (about a minute per setting and γ); it chose the full notebook size's sampler (src/notebook/sizes.ts).
 */
import { PRESET_SIZES, cfg, initBackend, loadShipped, mergeSizes, openStudy } from '../src';

async function main(): Promise<void> {
  await initBackend('wasm');
  const model = (await loadShipped('mnist-unet-main')).model;
  const settings = JSON.parse(process.argv[2] ?? '[["euler",8],["heun",5]]') as ['euler' | 'heun', number][];
  for (const [sampler, steps] of settings) {
    const sizes = mergeSizes(PRESET_SIZES.full, { samples: 200, steps, sampler, realSamples: 1000, fidMinSamples: Infinity });
    const study = await openStudy(sizes, { log: () => undefined });
    for (const gamma of [0, 1, 3]) {
      const started = Date.now();
      const m = await study.measure(model, gamma ? [cfg({ gamma })] : [], 0);
      console.log(
        `${sampler} ${steps} steps, CFG γ=${gamma}: class accuracy ${(m.accuracy * 100).toFixed(0)}%, KID×10³ ${(m.kid * 1e3).toFixed(0)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
    study.dispose();
  }
}

void main();
