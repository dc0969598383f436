/**
 * Checks on the files a command writes, made before the command does its work.
 */
import { existsSync, mkdirSync, openSync, closeSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates the folder of `path` and a scratch file beside it (removed again), so that a path the
 * command cannot write fails now, naming `flag` and the reason, and not after the work is done.
 */
export function checkWritable(path: string, flag: string): void {
  if (path === '' || path.endsWith('/')) throw new Error(`${flag} must name a file; got "${path}"`);
  if (existsSync(path) && !statSync(path).isFile()) throw new Error(`${flag} ${path} exists and is not a file`);
  const probe = `${path}.${process.pid}.probe`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new Error(`${flag} ${path} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was sampled`);
  }
}
