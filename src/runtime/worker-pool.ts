/**
 * A pool of worker threads that run jobs from a shared source (a free worker takes the next job), for
 * the sweeps and the batch-parallel sampler alike. The protocol of every worker: post `{ type: 'ready' }`
 * once set up (or `{ type: 'error', message }` when it cannot start), then exactly one reply per job.
 * Replies of type 'error' break the pool (the worker's state is unknown); any other reply is the job's.
 */
import type { Worker } from 'node:worker_threads';

/** What a worker posts: ready, a job's reply, or a fatal error. */
export type PoolMessage<Reply> = { type: 'ready' } | { type: 'error'; message: string } | Reply;

/** Resolves to the next job, or to undefined once no job is left. */
export type JobSource<Job> = () => Promise<Job | undefined>;

type Handler<Reply> = { reply(m: Reply, worker: number): void; fail(e: Error): void };

/**
 * Worker threads started once and reused by successive `run` calls; idle workers do not keep the process
 * alive (they are unref'd between runs). A fatal error or an exit breaks the pool for good (`broken`).
 */
export class WorkerPool<Job, Reply extends { type: string }> {
  private readonly threads: Worker[];
  private handler: Handler<Reply> | null = null;
  private failure: Error | null = null;
  private closed = false;
  /** Resolves with Date.now() at which the last worker became ready; rejects when one fails to start. */
  readonly ready: Promise<number>;

  /** Starts `size` workers with `start(i)`; `name` prefixes errors ("sweep worker", "sample worker"). */
  constructor(
    start: (i: number) => Worker,
    size: number,
    private readonly name: string,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`${name}s: the pool size must be an integer ≥ 1; got ${size}`);
    this.threads = Array.from({ length: size }, (_, i) => start(i));
    let starting = size;
    this.ready = new Promise<number>((resolve, reject) => {
      this.threads.forEach((w, i) => {
        w.on('message', (m: PoolMessage<Reply>) => {
          if (m.type === 'ready') {
            if (--starting === 0) resolve(Date.now());
          } else if (m.type === 'error') {
            this.break(new Error(`${name}: ${(m as { message: string }).message}`), reject);
          } else {
            this.handler?.reply(m as Reply, i);
          }
        });
        w.on('error', (e) => this.break(e, reject));
        w.on('exit', (code) => {
          if (!this.closed) this.break(new Error(`${name} exited (code ${code}) before its work finished`), reject);
        });
      });
    });
    this.ready.catch(() => undefined); // observed by run(); never an unhandled rejection
  }

  /** The number of worker threads. */
  get size(): number {
    return this.threads.length;
  }

  /** The error that broke the pool, or null while it is usable. */
  get broken(): Error | null {
    return this.failure;
  }

  /**
   * Runs the jobs `next` hands out, posting `message(job, worker)` to a free worker (each starts with one
   * once all are ready); calls `onReply(reply, job, worker)` per reply. Resolves when `next` is exhausted
   * and every worker is idle. When `onReply` throws, no further job is handed out, the jobs in flight are
   * awaited (so no stale reply reaches a later run) and the call rejects with that error.
   */
  async run(
    next: JobSource<Job>,
    message: (job: Job, worker: number) => unknown,
    onReply: (reply: Reply, job: Job, worker: number) => void,
  ): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.handler) throw new Error(`${this.name}s: run() called while another run is in progress`);
    await this.ready;
    for (const w of this.threads) w.ref();
    const current: (Job | undefined)[] = this.threads.map(() => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        let idle = 0;
        let inFlight = 0;
        let error: unknown = null;
        const settleIfDone = () => {
          if (inFlight > 0 || (error === null && idle < this.threads.length)) return;
          if (error === null) resolve();
          else reject(error);
        };
        const stop = (e: unknown) => {
          error ??= e;
          settleIfDone();
        };
        const feed = (w: number) => {
          if (error !== null) return void (idle++, settleIfDone());
          next().then((job) => {
            if (error !== null || job === undefined) {
              idle++;
              return settleIfDone();
            }
            current[w] = job;
            inFlight++;
            this.threads[w].postMessage(message(job, w));
          }, stop);
        };
        this.handler = {
          reply: (m, w) => {
            inFlight--;
            const job = current[w] as Job;
            current[w] = undefined;
            try {
              onReply(m, job, w);
            } catch (e) {
              stop(e);
            }
            feed(w);
          },
          fail: (e) => {
            inFlight = 0;
            stop(e);
          },
        };
        this.threads.forEach((_, w) => feed(w));
      });
    } finally {
      this.handler = null;
      if (!this.closed) for (const w of this.threads) w.unref();
    }
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((w) => w.terminate()));
  }

  private break(e: Error, reject: (e: Error) => void): void {
    if (this.closed || this.failure) return;
    this.failure = e;
    reject(e);
    this.handler?.fail(e);
    void this.close();
  }
}
