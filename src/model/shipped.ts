/**
 * The checkpoints shipped in `data/checkpoints/`, by name (`mnist-unet-main`, `mnist-dit-main-T-16`, …).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, LoadedModel } from './io';

/** The folder holding the shipped checkpoints (works from src/ and from dist/); GUIDANCE_LAB_CHECKPOINTS overrides it. */
export const CHECKPOINT_DIR = process.env.GUIDANCE_LAB_CHECKPOINTS ?? join(__dirname, '..', '..', 'data', 'checkpoints');

/** Returns the names of the shipped checkpoints (file names without `.safetensors`), sorted. */
export function shippedModels(dir = CHECKPOINT_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.safetensors'))
    .map((f) => f.slice(0, -'.safetensors'.length))
    .sort();
}

/**
 * Returns the file of the shipped checkpoint `name` (or `name` itself when it is a path to a .safetensors file); throws listing the shipped
 * names when it is missing.
 */
export function shippedPath(name: string, dir = CHECKPOINT_DIR): string {
  if (name.endsWith('.safetensors')) return name;
  const path = join(dir, `${name}.safetensors`);
  if (!existsSync(path)) {
    const names = shippedModels(dir);
    throw new Error(`no shipped model "${name}" in ${dir}; shipped: ${names.length ? names.join(', ') : 'none'}`);
  }
  return path;
}

/** Loads the shipped checkpoint `name` (or a path to any checkpoint file). */
export async function loadShipped(name: string, dir = CHECKPOINT_DIR): Promise<LoadedModel> {
  return loadModel(shippedPath(name, dir));
}
