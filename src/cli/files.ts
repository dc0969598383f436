/**
 * Files a command reads and writes: JSON read with errors that name the file, and the checks on
 * output files and folders made before the command does its work.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates folder `dir` and the missing folders above it, one at a time: node's own recursive
 * mkdirSync never returns for a path under /proc (it retries the ENOENT forever).
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
}

/** Creates a scratch file `path` and removes it again; throws naming `flag`, `what` and the system's reason when it cannot. */
function probe(path: string, flag: string, what: string, makeFolder: string): void {
  try {
    makeDirs(makeFolder);
    closeSync(openSync(path, 'wx'));
    unlinkSync(path);
  } catch (e) {
    throw new Error(`${flag} ${what} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Makes the folder of file `path` and checks a file can be created beside it, so a path the command cannot write fails now and not
 * after the work.
 */
export function checkWritable(path: string, flag: string): void {
  if (path === '' || path.endsWith('/')) throw new Error(`${flag} must name a file; got "${path}"`);
  if (existsSync(path) && !statSync(path).isFile()) throw new Error(`${flag} ${path} exists and is not a file`);
  probe(`${path}.${process.pid}.probe`, flag, path, dirname(path));
}

/** Makes folder `dir` (and those above it) and checks a file can be created in it; throws naming `flag` when it cannot. */
export function checkWritableDir(dir: string, flag: string): void {
  if (dir === '') throw new Error(`${flag} must name a folder; got ""`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${flag} ${dir} exists and is not a folder`);
  probe(`${dir}/.${process.pid}.probe`, flag, dir, dir);
}

/** Returns the parsed JSON of `file`, or throws naming the file and what is wrong with it. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not readable JSON (${(e as Error).message})`);
  }
}
