/**
 * `--shard k/n`: a machine's deterministic share of a sweep grid (every n-th point from the k-th). Not to be
 * confused with train/shards.ts, the data-parallel parts of one training batch.
 */

/** A grid share: the k-th (1-based) of n. */
export interface GridShare {
  k: number;
  n: number;
}

/** Returns the shard parsed from "k/n" (1 ≤ k ≤ n); throws naming the bad value. */
export function parseGridShare(text: string): GridShare {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--shard must look like k/n (e.g. 2/4); got "${text}"`);
  const [k, n] = [Number(m[1]), Number(m[2])];
  if (n < 1 || k < 1 || k > n) throw new Error(`--shard ${text}: k must be in 1…n and n ≥ 1; got k = ${k}, n = ${n}`);
  return { k, n };
}

/** Returns the items of `shard` (items at positions i with i mod n = k − 1), in order. */
export function gridShareItems<T>(items: readonly T[], shard: GridShare): T[] {
  return items.filter((_, i) => i % shard.n === shard.k - 1);
}
