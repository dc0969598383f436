/**
 * Starting worker threads from TypeScript sources (through tsx) or from compiled dist/ files alike.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';

/** Returns a worker thread running the TypeScript file at `path` through tsx, with `workerData`. */
export function startTsWorker(path: string, workerData: unknown): Worker {
  const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(path)});`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * Returns a worker thread running module `name` of folder `dir`: `name.ts` through tsx when the caller
 * runs from sources (`fromSources`, i.e. its own `__filename` ends in .ts), else the compiled `name.js`.
 */
export function startModuleWorker(dir: string, name: string, fromSources: boolean, workerData: unknown): Worker {
  if (fromSources) return startTsWorker(join(dir, `${name}.ts`), workerData);
  return new Worker(join(dir, `${name}.js`), { workerData });
}
