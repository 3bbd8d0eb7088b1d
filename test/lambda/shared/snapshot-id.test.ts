import fc from 'fast-check';
import { RDS_SNAPSHOT_ID, snapshotId, snapshotIdPrefix } from '../../../lambda/shared/snapshot-id';

const AT = Date.UTC(2026, 11, 1, 7, 5, 9, 123);

describe('snapshotId', () => {
  it('names the service, environment and UTC time', () => {
    expect(snapshotId('shop', 'production', AT)).toBe('switchyard-shop-production-20261201070509');
  });

  it('never holds two hyphens in a row, which RDS refuses', () => {
    expect(snapshotId('shop--api', 'prod--eu', AT)).toBe('switchyard-shop-api-prod-eu-20261201070509');
    expect(snapshotIdPrefix('a--b', 'c')).toBe('switchyard-a-b-c-');
  });

  it('the RDS rule refuses what RDS refuses', () => {
    for (const bad of ['switchyard--x', '1abc', 'abc-', '', 'a_b', 'a'.repeat(256)]) expect(RDS_SNAPSHOT_ID.test(bad)).toBe(false);
    for (const good of ['a', 'switchyard-shop-dev-20261201070509', 'a'.repeat(255)]) expect(RDS_SNAPSHOT_ID.test(good)).toBe(true);
  });

  it('property: for any schema-valid service and environment and any time, RDS accepts the id and the IAM prefix covers it', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,28}[a-z0-9]$/);
    fc.assert(
      fc.property(name, name, fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (service, environment, atMs) => {
        const id = snapshotId(service, environment, atMs);
        expect({ id, valid: RDS_SNAPSHOT_ID.test(id) }).toEqual({ id, valid: true });
        expect(id.startsWith(snapshotIdPrefix(service, environment))).toBe(true);
        expect(id).toMatch(/-\d{14}$/);
      }),
      { numRuns: 1000 },
    );
  });
});
