/**
 * The points a sweep still has to compute, over a cache folder other sweeps may share: each point is
 * claimed before it is handed out, points other sweeps finish (or fail) meanwhile are dropped, and
 * each outcome is written (row or failure) before its claim is released.
 */
import { join } from 'node:path';
import type { SweepCache } from './cache';
import type { SweepPoint } from './grid';
import type { PointFailure, PointOutcome } from './point';

/** How often the queue looks again at points another sweep on the same folder is computing. */
const POLL_MS = 250;

/** A sweep's pending points with their cache keys, handed out under claims. */
export class ClaimQueue {
  /** Failed points: failed here, or failed in another sweep since this one started. */
  readonly failed: PointFailure[] = [];
  /** Rows this sweep wrote. */
  computed = 0;
  private readonly held = new Set<string>();

  /**
   * `pending` are the points to compute and `keys` their cache keys; `since` (ms since epoch) is when this
   * sweep started (older failure records are retried); `settled` is called once per point that leaves the queue.
   */
  constructor(
    private readonly cache: SweepCache,
    private readonly pending: { point: SweepPoint; key: string }[],
    private readonly since: number,
    private readonly settled: () => void,
    private readonly warn: (message: string) => void,
  ) {}

  /** Resolves to the next point this sweep has claimed, or undefined once every point is settled here or elsewhere. */
  readonly next = async (): Promise<SweepPoint | undefined> => {
    for (let waited = false; ; waited = true) {
      for (let j = 0; j < this.pending.length; j++) {
        const { point, key } = this.pending[j];
        const elsewhere = this.cache.status(key).state === 'finished' ? 'row' : this.cache.failure(key, this.since);
        if (elsewhere === undefined) {
          if (!this.cache.claim(key).mine) continue;
          if (this.cache.status(key).state !== 'finished') {
            this.held.add(key);
            this.pending.splice(j, 1);
            return point;
          }
          this.cache.release(key); // another sweep finished it between our look and our claim
        } else if (elsewhere !== 'row') {
          this.failed.push(elsewhere);
        }
        this.pending.splice(j--, 1);
        this.settled();
      }
      if (this.pending.length === 0) return undefined;
      const claims = join(this.cache.dir, 'claims');
      if (!waited) this.warn(`sweep: waiting for ${this.pending.length} points another sweep is computing (none runs? remove ${claims})`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  /** Writes a claimed point's outcome (its row, or its failure, reported through `warn`) and releases its claim. */
  settle(o: PointOutcome): void {
    const key = o.type === 'row' ? o.row.key : o.failure.key;
    if (o.type === 'row') {
      this.cache.write(o.row);
      this.computed++;
    } else {
      this.cache.writeFailure(o.failure);
      this.failed.push(o.failure);
      const p = o.failure.point;
      this.warn(`sweep: point ${key.slice(0, 12)}… (${p.method} γ = ${p.gamma}, seed ${p.seed}) failed: ${o.failure.reason}`);
    }
    this.cache.release(key);
    this.held.delete(key);
    this.settled();
  }

  /** Releases the claims of points handed out but not settled (the sweep stopped on an error). */
  releaseAll(): void {
    for (const key of this.held) this.cache.release(key);
    this.held.clear();
  }
}
