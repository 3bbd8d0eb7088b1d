/** A database snapshot as RDS describes it. */
export interface SnapshotFacts {
  readonly id: string;
  readonly status: string;
  readonly createdAtMs: number | undefined;
}

/** The newest available snapshot younger than `maxAgeMs`, if any: taking another would only cost time. */
export function recentSnapshot(snapshots: readonly SnapshotFacts[], nowMs: number, maxAgeMs: number): SnapshotFacts | undefined {
  return snapshots
    .filter((s) => s.status === 'available' && s.createdAtMs !== undefined && nowMs - s.createdAtMs <= maxAgeMs && s.createdAtMs <= nowMs)
    .sort((a, b) => b.createdAtMs! - a.createdAtMs!)[0];
}

export type SnapshotVerdict = { readonly state: 'ready' } | { readonly state: 'waiting' } | { readonly state: 'failed'; readonly reason: string };

/** Whether a snapshot being taken is usable yet. */
export function snapshotProgress(status: string | undefined, nowMs: number, deadlineMs: number): SnapshotVerdict {
  if (status === 'available') return { state: 'ready' };
  if (status === undefined) return { state: 'failed', reason: 'the snapshot disappeared' };
  if (['failed', 'deleted', 'deleting', 'incompatible-restore', 'incompatible-parameters'].includes(status)) return { state: 'failed', reason: `the snapshot is ${status}` };
  if (nowMs >= deadlineMs) return { state: 'failed', reason: `the snapshot is still ${status} at its deadline` };
  return { state: 'waiting' };
}
