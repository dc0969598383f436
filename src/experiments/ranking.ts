/**
 * A sweep's rows ranked with the statistics of src/metrics/stats: every point (all its seeds) gets a bootstrap
 * interval per metric, and paired differences to unguided and to CFG at its best γ (by the primary metric's
 * estimate; that choice is not resampled, so the CFG difference slightly favours CFG).
 */
import { bootstrapInterval, pairedDifference } from '../metrics/stats';
import type { BootstrapOptions, Interval, PairedDifference, WeightedStatistic } from '../metrics/stats';
import type { SweepRow } from './point';
import { pointRuns } from './samples';

/** Metrics to rank with: statistics over per-sample features, and optionally one over per-sample correctness (class accuracy). */
export interface RankingStatistics {
  features: WeightedStatistic[];
  correctness?: WeightedStatistic;
}

/** A paired difference with what it was taken against. */
export type Difference = PairedDifference & { baseline: string };

/** One point over its seeds: a label, its intervals (one per statistic, features first) and its paired differences. */
export interface RankedPoint {
  label: string;
  method: string;
  gamma: number;
  seeds: number[];
  intervals: Interval[];
  differences: Difference[];
}

/**
 * Returns every point of `rows` (grouped over seeds) with intervals and paired differences: against unguided
 * (the γ = 0 point) and, for non-CFG points, against the CFG point with the best estimate of `statistics.features[0]`.
 * Throws (from the statistics) when a point has fewer than 2 seeds or its seeds and sample indices differ from the baseline's.
 */
export function rankSweep(rows: readonly SweepRow[], statistics: RankingStatistics, options: BootstrapOptions = {}): RankedPoint[] {
  const groups = groupPoints(rows);
  const measure = (group: SweepRow[]) => [
    ...statistics.features.map((s) => bootstrapInterval(pointRuns(group), s, options)),
    ...(statistics.correctness ? [bootstrapInterval(pointRuns(group, 'correctness'), statistics.correctness, options)] : []),
  ];
  const points = [...groups.entries()].map(([label, group]) => ({ label, group, intervals: measure(group) }));
  const unguided = points.find((p) => p.group[0].point.gamma === 0);
  const primary = statistics.features[0];
  const cfg = points
    .filter((p) => p.group[0].point.method === 'cfg' && p.group[0].point.gamma !== 0)
    .sort((a, b) => (primary.direction === 'min' ? 1 : -1) * (a.intervals[0].estimate - b.intervals[0].estimate))[0];
  const against = (group: SweepRow[], base: { label: string; group: SweepRow[] }): Difference[] => [
    ...statistics.features.map((s) => ({ ...pairedDifference(pointRuns(group), pointRuns(base.group), s, options), baseline: base.label })),
    ...(statistics.correctness
      ? [
          {
            ...pairedDifference(pointRuns(group, 'correctness'), pointRuns(base.group, 'correctness'), statistics.correctness, options),
            baseline: base.label,
          },
        ]
      : []),
  ];
  return points.map(({ label, group, intervals }) => {
    const p = group[0].point;
    const differences = [
      ...(unguided && unguided.label !== label ? against(group, unguided) : []),
      ...(cfg && p.method !== 'cfg' && p.gamma !== 0 ? against(group, cfg) : []),
    ];
    return { label, method: p.method, gamma: p.gamma, seeds: group.map((r) => r.point.seed), intervals, differences };
  });
}

/**
 * Returns the rows grouped over seeds, labelled "method γ = …" (plus params, guide, negative when set) or "unguided"
 * for γ = 0, which is the same samples under every method (kept once per seed); throws on two guided rows of one label and seed.
 */
export function groupPoints(rows: readonly SweepRow[]): Map<string, SweepRow[]> {
  const groups = new Map<string, SweepRow[]>();
  for (const r of rows) {
    const p = r.point;
    const params = Object.keys(p.params ?? {}).length ? JSON.stringify(p.params) : '';
    const extra = [params, p.guide ?? '', p.negative ?? ''].filter(Boolean).join(' ');
    const label = p.gamma === 0 ? 'unguided' : `${p.method} γ = ${p.gamma}${extra ? ` ${extra}` : ''}`;
    const list = groups.get(label) ?? [];
    if (list.some((x) => x.point.seed === p.seed)) {
      if (p.gamma === 0) continue;
      const keys = `keys ${list[0].key.slice(0, 12)}…, ${r.key.slice(0, 12)}…`;
      throw new Error(`two rows of "${label}" at seed ${p.seed} (${keys}); points must differ in more than their key`);
    }
    groups.set(label, [...list, r]);
  }
  return groups;
}
