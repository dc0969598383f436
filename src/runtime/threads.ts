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
 * Returns a worker thread running module `name` of folder `dir` (a folder of this package): `name.ts`
 * through tsx when this package runs from its sources, else the compiled `name.js` next to it in dist/.
 */
export function startModuleWorker(dir: string, name: string, workerData: unknown): Worker {
  if (__filename.endsWith('.ts')) return startTsWorker(join(dir, `${name}.ts`), workerData);
  return new Worker(join(dir, `${name}.js`), { workerData });
}
