/** Shared set-up of the CLI tests: the CLI's source entry point and a tiny UNet checkpoint in a fresh temp folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import type { ModelConfig } from '../../src/model/denoiser';
import { saveModel } from '../../src/model/io';
import { testBackend } from '../test-backend';

/** The CLI's entry point, run through tsx. */
export const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

/** A UNet small enough to sample in a test. */
export const TINY: ModelConfig = {
  arch: 'unet',
  imageSize: 32,
  channels: 1,
  classes: 10,
  widths: [8, 16, 16],
  attentionLevels: [1, 2],
  heads: 2,
  blocks: 1,
};

/**
 * Starts the test backend and writes TINY (seed 1, float32, card `training`) to `<new temp folder>/tiny.safetensors`; returns both paths.
 */
export async function tinyCheckpoint(prefix: string, training: Record<string, unknown> = {}): Promise<{ dir: string; model: string }> {
  await initBackend(testBackend());
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const model = join(dir, 'tiny.safetensors');
  await saveModel(model, TINY, createDenoiser(TINY, 1).net.params.snapshot(), training, 'F32');
  return { dir, model };
}
