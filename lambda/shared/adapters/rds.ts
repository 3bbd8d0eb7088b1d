import { CreateDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { SnapshotFacts } from '../decisions/backup';
import { awsCall, sdkClient } from './clients';

const clients = { rds: sdkClient('rds', (c) => new RDSClient(c)) };

const rds = clients.rds;
const facts = (s: { DBSnapshotIdentifier?: string; Status?: string; SnapshotCreateTime?: Date }): SnapshotFacts => ({
  id: s.DBSnapshotIdentifier ?? '',
  status: s.Status ?? 'unknown',
  createdAtMs: s.SnapshotCreateTime?.getTime(),
});

/** Every snapshot of an instance, manual and automated. */
export async function snapshotsOf(instance: string): Promise<SnapshotFacts[]> {
  const out: SnapshotFacts[] = [];
  let marker: string | undefined;
  do {
    const r = await awsCall('rds:DescribeDBSnapshots', () => rds().send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instance, Marker: marker })));
    out.push(...(r.DBSnapshots ?? []).map(facts));
    marker = r.Marker;
  } while (marker);
  return out;
}

export async function snapshot(id: string): Promise<SnapshotFacts | undefined> {
  try {
    const r = await awsCall('rds:DescribeDBSnapshots', () => rds().send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id })));
    const s = r.DBSnapshots?.[0];
    return s && facts(s);
  } catch (e) {
    if (e instanceof Error && e.name === 'DBSnapshotNotFoundFault') return undefined;
    throw e;
  }
}

export async function createSnapshot(instance: string, id: string): Promise<SnapshotFacts> {
  const r = await awsCall('rds:CreateDBSnapshot', () => rds().send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: instance, DBSnapshotIdentifier: id })));
  return facts(r.DBSnapshot ?? { DBSnapshotIdentifier: id, Status: 'creating' });
}
