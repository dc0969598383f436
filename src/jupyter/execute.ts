import { dirname, resolve } from 'node:path';
import { joinText, readNotebook, writeNotebook, type Cell } from './nbformat';
import { CellOutputs, type DisplayRegistry } from './outputs';
import { KernelTimeoutError, TslabKernel, type ExecuteReply } from './kernel';
import { INSTALL_FAULT_RECORDER, faultProbe, parseFaultReport } from './faults';
import type { JupyterMessage } from './wire';

export interface ExecuteOptions {
  /** Where to write the executed notebook (default: back into the input file). */
  output?: string;
  /** Kernel working directory (default: the input notebook's folder, as in Jupyter). */
  cwd?: string;
  /** Kernel environment (default: this process's, so e.g. GUIDANCE_LAB_SIZE passes through). */
  env?: NodeJS.ProcessEnv;
  /** Longest a single cell may run (default 10 min). */
  cellTimeoutMs?: number;
  /** Longest the kernel may take to start (default 60 s). */
  startTimeoutMs?: number;
  /** How long to wait after the last cell for late faults (timers, unawaited promises) before calling the run good (default 500 ms). */
  settleMs?: number;
  /** Called after each executed code cell with its index in `cells`, the number of code cells done and to do, and its run time. */
  onCell?: (progress: CellProgress) => void;
  /** Called with each piece of text a cell prints (as it arrives, so long cells show progress), with the cell's index in `cells`. */
  onStream?: (text: string, stream: 'stdout' | 'stderr', cellIndex: number) => void;
}

export interface CellProgress {
  cellIndex: number;
  done: number;
  total: number;
  ms: number;
}

/** Thrown when a cell fails: names the notebook, the cell's index in `cells` (0-based) and the kernel's error message. */
export class CellError extends Error {
  constructor(
    readonly notebook: string,
    readonly cellIndex: number,
    readonly detail: string,
  ) {
    super(`${notebook}: cell ${cellIndex} failed:\n${detail}`);
  }
}

/** Returns the kernel's error text for a failed cell: the reply's evalue, else what the cell wrote to stderr (tslab sends no traceback). */
function failureText(outputs: CellOutputs, evalue: string | undefined): string {
  const text = (evalue || outputs.streamText('stderr')).trim();
  return text || 'the kernel reported an error without a message';
}

/** Wait after every cell but the last for faults it left behind: one timer turn (later ones surface after a later cell). */
const CELL_SETTLE_MS = 0;

/** Returns whether `cell` is a code cell with something to run (blank cells are skipped, as nbclient does). */
function isRunnable(cell: Cell): boolean {
  return cell.cell_type === 'code' && joinText(cell.source).trim() !== '';
}

/**
 * Runs every code cell of the notebook at `path` on a fresh tslab kernel, writes outputs and execution counts
 * (to `options.output` or in place) and returns the number of cells run; on the first failing cell it writes
 * what ran so far and throws CellError. A cell fails also when a promise is rejected unawaited or a timer throws
 * during it or before the next cell (after the last: within `settleMs`). The kernel is shut down in every case.
 */
export async function executeNotebook(path: string, options: ExecuteOptions = {}): Promise<number> {
  const nb = await readNotebook(path);
  const kernelName = (nb.metadata.kernelspec as { name?: unknown } | undefined)?.name;
  if (kernelName !== undefined && kernelName !== 'tslab') {
    throw new Error(`notebook "${path}" asks for kernel "${String(kernelName)}"; only "tslab" is supported`);
  }
  for (const cell of nb.cells) {
    if (cell.cell_type === 'code') Object.assign(cell, { outputs: [], execution_count: null });
  }
  const runnable = nb.cells.flatMap((cell, index) => (isRunnable(cell) ? [index] : []));
  const timeoutMs = options.cellTimeoutMs ?? 600_000;
  const settleMs = options.settleMs ?? 500;
  const output = options.output ?? path;
  const kernel = await TslabKernel.start({
    cwd: options.cwd ?? dirname(resolve(path)),
    env: options.env,
    startTimeoutMs: options.startTimeoutMs,
  });
  const displays: DisplayRegistry = new Map();
  try {
    await runHidden(kernel, INSTALL_FAULT_RECORDER, timeoutMs, () => undefined);
    for (const [done, cellIndex] of runnable.entries()) {
      const cell = nb.cells[cellIndex];
      const outputs = new CellOutputs(displays);
      cell.outputs = outputs.outputs;
      const started = Date.now();
      const onIopub = (msg: JupyterMessage) => {
        outputs.add(msg);
        if (options.onStream && msg.header.msg_type === 'stream') {
          options.onStream(String(msg.content.text ?? ''), msg.content.name === 'stderr' ? 'stderr' : 'stdout', cellIndex);
        }
      };
      let reply: ExecuteReply;
      try {
        reply = await kernel.execute(joinText(cell.source), timeoutMs, onIopub);
      } catch (err) {
        if (err instanceof KernelTimeoutError)
          throw new CellError(path, cellIndex, `did not finish within ${timeoutMs / 1000} s (${err.message})`);
        throw new CellError(path, cellIndex, (err as Error).message);
      }
      cell.execution_count = done + 1; // the kernel's own count also counts the hidden cells
      if (reply.status !== 'ok') throw new CellError(path, cellIndex, failureText(outputs, reply.evalue));
      const last = done === runnable.length - 1;
      const faults = await askFaults(kernel, last ? settleMs : CELL_SETTLE_MS, timeoutMs, onIopub);
      if (faults.length > 0) {
        const when = last ? `during this last cell or within ${settleMs} ms after it` : 'during this cell or before the next one';
        throw new CellError(path, cellIndex, `${faults.length} fault(s) ${when}:\n${faults.join('\n')}`);
      }
      options.onCell?.({ cellIndex, done: done + 1, total: runnable.length, ms: Date.now() - started });
    }
    return runnable.length;
  } finally {
    await kernel.shutdown();
    await writeNotebook(output, nb);
  }
}

/** Returns the faults the kernel recorded since the last ask, after waiting `settleMs`; other (late) output goes to `onIopub`. */
async function askFaults(
  kernel: TslabKernel,
  settleMs: number,
  timeoutMs: number,
  onIopub: (m: JupyterMessage) => void,
): Promise<string[]> {
  let faults: string[] | undefined;
  await runHidden(kernel, faultProbe(settleMs), timeoutMs, (msg) => {
    const report = msg.header.msg_type === 'stream' ? parseFaultReport(String(msg.content.text ?? '')) : undefined;
    if (report) faults = report;
    else onIopub(msg);
  });
  if (!faults) throw new Error('the kernel did not answer the fault probe');
  return faults;
}

/** Runs runner code that is not part of the notebook; throws when the kernel reports it failed. */
async function runHidden(kernel: TslabKernel, code: string, timeoutMs: number, onIopub: (msg: JupyterMessage) => void): Promise<void> {
  const reply = await kernel.execute(code, timeoutMs, onIopub);
  if (reply.status !== 'ok') throw new Error(`the notebook runner's own code failed in the kernel (status ${reply.status})`);
}
