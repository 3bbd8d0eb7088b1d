import fc from 'fast-check';
import { deployGuardVerdict, GuardLock, guardMessage, lockHeld, UPDATE_ROLLBACK_STATUS } from '../../../lambda/shared/decisions/deploy-guard';

const lock: GuardLock = { executionId: 'arn:exec:7', startedAtMs: 0, expiresAtMs: 10_000, reason: 'release 7' };

describe('deployGuardVerdict', () => {
  it('refuses a deploy while a cutover holds the lock, naming the execution', () => {
    for (const requestType of ['Create', 'Update'] as const) {
      const v = deployGuardVerdict({ requestType, lock, nowMs: 5_000, stackStatus: 'UPDATE_IN_PROGRESS' });
      expect(v).toEqual({ allow: false, message: expect.stringMatching(/A cutover is running: execution arn:exec:7/) });
    }
  });

  it('lets CloudFormation roll a failed update back while the lock is still held', () => {
    expect(deployGuardVerdict({ requestType: 'Update', lock, nowMs: 5_000, stackStatus: UPDATE_ROLLBACK_STATUS })).toEqual({ allow: true, why: 'rollback' });
  });

  it('refuses when the stack status is unknown: it cannot tell a rollback from a deploy', () => {
    expect(deployGuardVerdict({ requestType: 'Update', lock, nowMs: 5_000 }).allow).toBe(false);
  });

  it('passes a delete, an expired lock and no lock', () => {
    expect(deployGuardVerdict({ requestType: 'Delete', lock, nowMs: 5_000 })).toEqual({ allow: true, why: 'delete' });
    expect(deployGuardVerdict({ requestType: 'Update', lock, nowMs: 10_000 })).toEqual({ allow: true, why: 'no-cutover' });
    expect(deployGuardVerdict({ requestType: 'Create', lock: undefined, nowMs: 0 })).toEqual({ allow: true, why: 'no-cutover' });
    expect(guardMessage(lock, 10_000)).toBeUndefined();
  });

  it('property: it refuses exactly a Create or Update, outside an update rollback, while the lock is unexpired', () => {
    const statuses = fc.constantFrom(undefined, 'UPDATE_IN_PROGRESS', UPDATE_ROLLBACK_STATUS, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const locks = fc.option(fc.record({ executionId: fc.string({ minLength: 1 }), startedAtMs: fc.nat(), expiresAtMs: fc.nat(), reason: fc.string() }), { nil: undefined });
    fc.assert(
      fc.property(fc.constantFrom('Create', 'Update', 'Delete' as const), locks, fc.nat(), statuses, (requestType, l, nowMs, stackStatus) => {
        const v = deployGuardVerdict({ requestType, lock: l, nowMs, stackStatus });
        const refuse = requestType !== 'Delete' && lockHeld(l, nowMs) && !(requestType === 'Update' && stackStatus === UPDATE_ROLLBACK_STATUS);
        expect(v.allow).toBe(!refuse);
        if (!v.allow) expect(v.message).toContain(l!.executionId);
      }),
    );
  });
});
