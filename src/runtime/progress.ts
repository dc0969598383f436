/**
 * Progress reporting for long loops: a bar on a TTY, a line every few seconds otherwise.
 */

/** Reports progress of `total` units with free-form fields; `done()` ends the line. */
export class Progress {
  private last = 0;
  private readonly start = Date.now();
  private readonly tty: boolean;

  constructor(
    readonly label: string,
    readonly total: number,
    private readonly startAt = 0,
    private readonly everyMs = 10000,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Shows `current` of `total` with `fields` (e.g. loss, images/s) and the time left. */
  update(current: number, fields: Record<string, string | number> = {}): void {
    const now = Date.now();
    if (!this.tty && now - this.last < this.everyMs && current < this.total) return;
    this.last = now;
    const frac = Math.min(1, current / this.total);
    const rate = (current - this.startAt) / Math.max((now - this.start) / 1000, 1e-9);
    const left = rate > 0 ? (this.total - current) / rate : Infinity;
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`)
      .join('  ');
    const text = `${this.label} ${bar(frac)} ${(100 * frac).toFixed(1)}% ${current}/${this.total}  ${extra}  left ${duration(left)}`;
    this.stream.write(this.tty ? `\r${text}\x1b[K` : `${text}\n`);
  }

  /** Ends the progress line. */
  done(): void {
    if (this.tty) this.stream.write('\n');
  }
}

function bar(frac: number, width = 24): string {
  const n = Math.round(frac * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** Returns a duration in seconds as `1h02m`, `3m05s` or `12s`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
