/** `--shard k/n`: a deterministic share of a grid (every n-th point from the k-th). */

/** A shard: the k-th (1-based) of n. */
export interface Shard {
  k: number;
  n: number;
}

/** Returns the shard parsed from "k/n" (1 ≤ k ≤ n); throws naming the bad value. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--shard must look like k/n (e.g. 2/4); got "${text}"`);
  const [k, n] = [Number(m[1]), Number(m[2])];
  if (n < 1 || k < 1 || k > n) throw new Error(`--shard ${text}: k must be in 1…n and n ≥ 1; got k = ${k}, n = ${n}`);
  return { k, n };
}

/** Returns the items of `shard` (items at positions i with i mod n = k − 1), in order. */
export function shardItems<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.n === shard.k - 1);
}
