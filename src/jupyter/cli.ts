#!/usr/bin/env node
/**
 * `node dist/jupyter/cli.js run <dir-or-files...>`: executes notebooks on the tslab kernel (in place at full size, else into
 * .smoke/notebooks); `link`: see linkSelf.
 */
import { readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CellError, executeNotebook } from './execute';
import { kernelEnv } from './kernel-env';
import { killLiveKernels } from './kernel';
import { linkSelf } from './self-reference';
import { notebookSizes } from '../notebook/sizes';
import { parseParameter, writeParameterised } from './parameters';

/** The package root (this file is dist/jupyter/cli.js or src/jupyter/cli.ts). */
const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/**
 * Returns the notebooks named by `args`, each once where first named: files as given, folders as their
 * *.ipynb files in name order (so `run a.ipynb folder` runs a first); throws on a missing path.
 */
function listNotebooks(args: readonly string[]): string[] {
  const named = args.flatMap((arg) => {
    let isDir: boolean;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      throw new Error(`notebook path "${arg}" does not exist`);
    }
    if (!isDir) return [arg];
    const found = readdirSync(arg)
      .filter((name) => name.endsWith('.ipynb'))
      .sort()
      .map((name) => join(arg, name));
    if (found.length === 0) throw new Error(`folder "${arg}" holds no .ipynb notebooks`);
    return found;
  });
  return [...new Map(named.map((path) => [resolve(path), path])).values()];
}

/** Returns `value` (seconds) in milliseconds; throws commander's argument error unless it is a positive number. */
function seconds(value: string): number {
  const s = Number(value);
  if (!(s > 0)) throw new InvalidArgumentError(`"${value}" is not a positive number of seconds`);
  return s * 1000;
}

/** Returns `value` as an integer ≥ 1; throws commander's argument error naming the bad value. */
function jobCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of notebooks ≥ 1`);
  return n;
}

/**
 * Returns where executed notebooks are written: `outDir` when given; otherwise in place at full size (the
 * committed outputs of `npm run figures`) and `.smoke/notebooks/` (ignored by git) at any other size.
 */
function outputFolder(outDir: string | undefined): string | undefined {
  if (outDir !== undefined) return outDir;
  return notebookSizes().size === 'full' ? undefined : join(PACKAGE_ROOT, '.smoke', 'notebooks');
}

/** Returns `all` with the `-p` argument `value` parsed and added. */
function collectParameter(value: string, all: [string, unknown][]): [string, unknown][] {
  return [...all, parseParameter(value)];
}

/** Prints each non-empty line of `text` behind `prefix` (so the lines of notebooks run side by side stay apart). */
function echoLines(prefix: string, text: string): void {
  for (const line of text.split('\n')) if (line.trim() !== '') console.log(`${prefix} │ ${line}`);
}

interface RunOptions {
  timeout: number;
  startTimeout: number;
  jobs: number;
  echo: boolean;
  outDir?: string;
  /** One notebook's output file. */
  out?: string;
  /** `-p name=value` pairs, values parsed. */
  parameter: [string, unknown][];
}

/**
 * Writes each notebook with `params` injected (see injectParameters) to where it will run, so that an
 * undeclared name is refused before any kernel starts; throws when a notebook would run in place.
 */
async function injectAll(
  notebooks: string[],
  outputOf: (notebook: string) => string | undefined,
  params: Record<string, unknown>,
): Promise<void> {
  for (const notebook of notebooks) {
    const output = outputOf(notebook);
    if (output === undefined || resolve(output) === resolve(notebook)) {
      throw new Error(`-p writes a copy, never the notebook itself: give --out or --out-dir (${notebook} would run in place at full size)`);
    }
    await writeParameterised(notebook, output, params);
  }
}

/**
 * Runs the notebooks, up to `jobs` at once (each on its own kernel, so one core each), printing a line
 * per cell; returns the exit code (1 after the first failure: running notebooks finish, no new one starts).
 */
async function run(paths: string[], opts: RunOptions): Promise<number> {
  const notebooks = listNotebooks(paths);
  const outDir = outputFolder(opts.outDir);
  if (opts.out !== undefined && notebooks.length !== 1) throw new Error(`--out takes one notebook; got ${notebooks.length}`);
  const outputOf = (notebook: string) => opts.out ?? (outDir && join(outDir, basename(notebook)));
  const injected = opts.parameter.length > 0;
  if (injected) await injectAll(notebooks, outputOf, Object.fromEntries(opts.parameter));
  const where = opts.out ?? outDir;
  console.log(where ? `executed notebooks go to ${where}` : 'executed notebooks are written in place (full size)');
  const linked = await linkSelf(PACKAGE_ROOT);
  if (linked) console.log(`wrote ${linked}`);
  const queue = [...notebooks.entries()];
  const env = kernelEnv(process.env, opts.jobs);
  let failed = false;
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next && !failed; next = queue.shift()) {
      const [i, notebook] = next;
      const label = `[${i + 1}/${notebooks.length}] ${notebook}`;
      console.log(`${label}: starting kernel`);
      const started = Date.now();
      try {
        const output = outputOf(notebook);
        const cells = await executeNotebook(injected && output ? output : notebook, {
          output,
          env,
          cwd: dirname(resolve(notebook)),
          cellTimeoutMs: opts.timeout,
          startTimeoutMs: opts.startTimeout,
          onCell: (p) => console.log(`${label}: cell ${p.cellIndex} ok (${p.done}/${p.total}, ${(p.ms / 1000).toFixed(1)} s)`),
          onStream: opts.echo ? (text, _stream, cellIndex) => echoLines(`${label} cell ${cellIndex}`, text) : undefined,
        });
        console.log(`${label}: ok, ${cells} code cells in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (err) {
        console.error(err instanceof CellError ? err.message : `${notebook}: ${(err as Error).message}`);
        failed = true;
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: Math.min(opts.jobs, notebooks.length) }, worker));
  console.log(
    `${failed ? 'stopped after a failure' : `${notebooks.length} notebooks ok`} in ${((Date.now() - started) / 1000).toFixed(1)} s (${opts.jobs} at once)`,
  );
  return failed ? 1 : 0;
}

const program = new Command('guidance-lab-notebooks').description('Execute tslab notebooks headless over the Jupyter protocol');
program
  .command('run')
  .description('execute notebooks in name order, writing outputs into each file; stops at the first failing cell')
  .argument('<paths...>', 'notebook files, or folders whose *.ipynb run in name order')
  .addOption(new Option('--timeout <seconds>', 'longest one cell may run').argParser(seconds).default(600_000, '600 s'))
  .addOption(new Option('--start-timeout <seconds>', 'longest the kernel may take to start').argParser(seconds).default(60_000, '60 s'))
  .option('--jobs <n>', 'notebooks run at once, each on its own kernel (one core each)', jobCount, 1)
  .option('--no-echo', "do not print the cells' printed lines as they arrive")
  .option('--out-dir <folder>', 'write executed notebooks here (default: in place at GUIDANCE_LAB_SIZE=full, else .smoke/notebooks)')
  .option('--out <file>', 'write the executed notebook to this file (one notebook)')
  .option('-p, --parameter <name=value>', 'set a name the "parameters" cell declares (JSON, else text; repeatable)', collectParameter, [])
  .action(async (paths: string[], opts: RunOptions) => {
    process.exitCode = await run(paths, opts);
  });
program
  .command('link')
  .description(`write node_modules/<name> pointing at this package's build, so notebooks can import it by name`)
  .action(async () => {
    const linked = await linkSelf(PACKAGE_ROOT);
    console.log(linked ? `wrote ${linked}` : 'self-reference up to date');
  });

// A stopped run (Ctrl-C, kill, a closed terminal) takes its kernels with it: a kernel left behind would go on computing unseen.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    const killed = killLiveKernels();
    console.error(`${signal}: stopped ${killed} kernel${killed === 1 ? '' : 's'}; cells' finished work that was cached stays cached`);
    process.exit(128 + constants.signals[signal]);
  });
}

program.parseAsync().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
