/**
 * RDS DB snapshot identifiers: 1 to 255 letters, digits and hyphens, a letter
 * first, no hyphen last, and never two hyphens in a row.
 */
export const RDS_SNAPSHOT_ID = /^(?!.*--)[A-Za-z][A-Za-z0-9-]{0,254}(?<!-)$/;

/**
 * How every snapshot the backup stage takes for one service environment starts;
 * the IAM grant for CreateDBSnapshot is this followed by `*`. Service and
 * environment names may hold `--`, which RDS refuses, so runs of hyphens become one.
 */
export function snapshotIdPrefix(service: string, environment: string): string {
  return `switchyard-${service}-${environment}-`.replace(/-{2,}/g, '-');
}

/** The snapshot taken at `atMs`: the prefix, then the UTC time as YYYYMMDDhhmmss. */
export function snapshotId(service: string, environment: string, atMs: number): string {
  return `${snapshotIdPrefix(service, environment)}${new Date(atMs).toISOString().replace(/\D/g, '').slice(0, 14)}`;
}
