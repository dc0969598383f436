import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Dealer, Subscriber, type Socket } from 'zeromq';
import { channelAddress, createConnectionInfo, writeConnectionFile, type ConnectionInfo } from './connection';
import { createMessage, decodeMessage, encodeMessage, type JupyterMessage } from './wire';

export interface KernelOptions {
  /** Working directory of the kernel: tslab resolves imports and type roots from here (Jupyter uses the notebook's folder). */
  cwd: string;
  /** Environment of the kernel process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long the kernel may take to answer kernel_info (default 60 s; tslab warms its TypeScript compiler first). */
  startTimeoutMs?: number;
}

/** The content of an execute_reply (tslab sends status and execution_count only, no ename/evalue/traceback). */
export interface ExecuteReply {
  status: 'ok' | 'error' | 'abort';
  execution_count: number | null;
  evalue?: string;
}

/** Thrown when a request gets no complete answer in time; the kernel is then unusable and must be shut down. */
export class KernelTimeoutError extends Error {}

type Waiter = { resolve: (msg: JupyterMessage) => void; reject: (err: Error) => void };
const OUTPUT_TAIL_CHARS = 4000;

/** Returns the path of tslab's command-line entry point in the installed package. */
function tslabBin(): string {
  return join(dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
}

/** Returns a promise of `work` that rejects with KernelTimeoutError(`what`) once `deadline` (ms since epoch) passes. */
function beforeDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KernelTimeoutError(what)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Kernel processes this process started that have not exited yet. */
const liveKernels = new Set<ChildProcess>();

/** Kills (SIGKILL) every kernel process this process started that is still running; returns how many it killed. */
export function killLiveKernels(): number {
  const running = [...liveKernels];
  for (const child of running) child.kill('SIGKILL');
  liveKernels.clear();
  return running.length;
}

/** A tslab kernel process and this client's shell, control and iopub sockets to it. */
export class TslabKernel {
  private readonly session = randomUUID();
  private readonly shell = new Dealer({ linger: 0 });
  private readonly control = new Dealer({ linger: 0 });
  private readonly iopub = new Subscriber({ linger: 0 });
  /** Waiters for a shell/control reply, by the request's msg_id. */
  private readonly replies = new Map<string, Waiter>();
  /** Listeners for iopub messages, by the parent request's msg_id. */
  private readonly listeners = new Map<string, (msg: JupyterMessage) => void>();
  private readonly exited: Promise<void>;
  private failure: Error | undefined;
  private outputTail = '';
  private closing = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly info: ConnectionInfo,
    private readonly tempDir: string,
  ) {
    const keepTail = (chunk: Buffer): void => {
      this.outputTail = (this.outputTail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    liveKernels.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        liveKernels.delete(child);
        this.fail(new Error(`tslab kernel exited (${signal ?? `code ${code}`})${this.describeOutput()}`));
        resolve();
      });
      child.once('error', (err) => {
        liveKernels.delete(child);
        this.fail(new Error(`cannot start tslab kernel: ${err.message}`));
        resolve();
      });
    });
    this.iopub.subscribe();
    this.shell.connect(channelAddress(info, 'shell'));
    this.control.connect(channelAddress(info, 'control'));
    this.iopub.connect(channelAddress(info, 'iopub'));
    void this.readLoop(this.shell, (msg) => this.settleReply(msg));
    void this.readLoop(this.control, (msg) => this.settleReply(msg));
    void this.readLoop(this.iopub, (msg) => this.listeners.get(msg.parent_header.msg_id ?? '')?.(msg));
  }

  /** Returns a kernel that answered kernel_info and whose iopub messages reach this client; throws if it does not start in time. */
  static async start(options: KernelOptions): Promise<TslabKernel> {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const tempDir = await mkdtemp(join(tmpdir(), 'guidance-lab-kernel-'));
    const info = await createConnectionInfo();
    const configPath = await writeConnectionFile(tempDir, info);
    const child = spawn(process.execPath, [tslabBin(), 'kernel', '--config-path', configPath], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kernel = new TslabKernel(child, info, tempDir);
    try {
      await kernel.waitUntilReady(Date.now() + timeoutMs);
      return kernel;
    } catch (err) {
      kernel.fail(err as Error);
      await kernel.shutdown();
      const why = err instanceof KernelTimeoutError ? `did not start within ${timeoutMs / 1000} s` : `failed to start`;
      const output = err instanceof KernelTimeoutError ? kernel.describeOutput() : ''; // an exit error already carries it
      throw new Error(`tslab kernel (cwd "${options.cwd}") ${why}: ${(err as Error).message}${output}`);
    }
  }

  /**
   * Runs `code`, passes each iopub message it causes to `onIopub`, and returns the execute_reply once the kernel is idle again.
   * Throws KernelTimeoutError when that takes longer than `timeoutMs`; the kernel is then marked failed.
   */
  async execute(code: string, timeoutMs: number, onIopub: (msg: JupyterMessage) => void): Promise<ExecuteReply> {
    const request = createMessage(
      'execute_request',
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      this.session,
    );
    const deadline = Date.now() + timeoutMs;
    const idle = this.untilIdle(request.header.msg_id, onIopub);
    try {
      const reply = await beforeDeadline(this.request(this.shell, request), deadline, `no execute_reply within ${timeoutMs / 1000} s`);
      await beforeDeadline(this.unlessExited(idle), deadline, `kernel not idle within ${timeoutMs / 1000} s`);
      return reply.content as unknown as ExecuteReply;
    } catch (err) {
      if (err instanceof KernelTimeoutError) this.fail(err);
      throw err;
    } finally {
      this.listeners.delete(request.header.msg_id);
    }
  }

  /**
   * Asks a healthy kernel to shut down (killing it if it does not exit within 3 s; a failed one is killed at once), closes the sockets and
   * returns when all is released.
   */
  async shutdown(): Promise<void> {
    if (this.closing) return this.exited;
    if (this.child.exitCode === null && this.child.signalCode === null && this.failure === undefined) {
      const request = createMessage('shutdown_request', { restart: false }, this.session);
      const deadline = Date.now() + 3000;
      await beforeDeadline(this.request(this.control, request), deadline, 'no shutdown_reply').catch(() => undefined);
      await beforeDeadline(this.exited, deadline, 'no exit after shutdown_request').catch(() => this.child.kill('SIGKILL'));
    } else if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    this.closing = true;
    await this.exited;
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
    await rm(this.tempDir, { recursive: true, force: true });
  }

  /** Repeats kernel_info requests until one is answered on shell and its idle status arrives on iopub (the SUB socket joins late). */
  private async waitUntilReady(deadline: number): Promise<void> {
    for (;;) {
      const request = createMessage('kernel_info_request', {}, this.session);
      const idle = this.untilIdle(request.header.msg_id, () => undefined);
      try {
        await beforeDeadline(this.request(this.shell, request), deadline, 'no kernel_info_reply');
        await beforeDeadline(idle, Math.min(deadline, Date.now() + 500), 'no iopub status');
        return;
      } catch (err) {
        if (!(err instanceof KernelTimeoutError) || Date.now() >= deadline) throw err;
      } finally {
        this.listeners.delete(request.header.msg_id);
      }
    }
  }

  /** Returns a promise resolved by the iopub `status: idle` message of request `msgId`; other messages go to `onIopub`. */
  private untilIdle(msgId: string, onIopub: (msg: JupyterMessage) => void): Promise<void> {
    return new Promise((resolve) => {
      this.listeners.set(msgId, (msg) => {
        if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') resolve();
        else onIopub(msg);
      });
    });
  }

  /** Sends `msg` on `socket` and returns the reply whose parent it is; rejects if the kernel dies first. */
  private request(socket: Dealer, msg: JupyterMessage): Promise<JupyterMessage> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.replies.set(msg.header.msg_id, { resolve, reject });
      socket.send(encodeMessage(msg, this.info.key)).catch((err: Error) => {
        this.replies.delete(msg.header.msg_id);
        reject(new Error(`cannot send ${msg.header.msg_type}: ${err.message}`));
      });
    });
  }

  /** Returns `work`, or a rejection with the kernel's failure if the kernel process exits first. */
  private unlessExited<T>(work: Promise<T>): Promise<T> {
    return Promise.race([
      work,
      this.exited.then((): never => {
        throw this.failure ?? new Error('tslab kernel exited');
      }),
    ]);
  }

  private settleReply(msg: JupyterMessage): void {
    const id = msg.parent_header.msg_id ?? '';
    this.replies.get(id)?.resolve(msg);
    this.replies.delete(id);
  }

  /** Decodes every message arriving on `socket` until it is closed; a bad message fails all pending requests. */
  private async readLoop(socket: Socket & AsyncIterable<Buffer[]>, handle: (msg: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) handle(decodeMessage(frames, this.info.key));
    } catch (err) {
      if (!this.closing) this.fail(err as Error);
    }
  }

  /** Rejects every pending request with `err` (the first failure wins) and returns nothing. */
  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.replies.values()) waiter.reject(this.failure);
    this.replies.clear();
  }

  private describeOutput(): string {
    const tail = this.outputTail.trim();
    return tail ? `\nkernel output:\n${tail}` : '';
  }
}
