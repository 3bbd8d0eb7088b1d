import fc from 'fast-check';
import { idleReadiness, Rollout, rolloutOf } from '../../../lambda/shared/decisions/idle';

const TD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-dev-green:8';
const OLD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-dev-green:7';
const base = { desired: 2, running: 2, healthyTargets: 2, unhealthyTargets: 0, rollout: { state: 'completed' } as Rollout, nowMs: 0, deadlineMs: 1000 };

describe('idle readiness: both directions', () => {
  it('says where the idle color stands, in every rollout state', () => {
    expect(idleReadiness({ ...base, healthyTargets: 1, unhealthyTargets: 1 })).toEqual({ state: 'waiting', detail: '1/2 healthy, 2 running, 1 unhealthy, rollout completed' });
    expect(idleReadiness({ ...base, rollout: { state: 'in-progress' } })).toEqual({ state: 'waiting', detail: '2/2 healthy, 2 running, 0 unhealthy, rollout in progress' });
    expect(idleReadiness({ ...base, rollout: { state: 'failed', reason: 'it broke' } })).toEqual({ state: 'failed', error: 'IdleDeploymentFailed', detail: 'it broke (2/2 healthy, 2 running, 0 unhealthy, rollout failed)' });
    expect(idleReadiness({ ...base, running: 1, nowMs: 1000 })).toEqual({ state: 'failed', error: 'IdleNeverHealthy', detail: 'not healthy by the deadline (2/2 healthy, 1 running, 0 unhealthy, rollout completed)' });
  });

  it('a color with no desired task is never ready, even with nothing missing', () => {
    expect(idleReadiness({ ...base, desired: 0, running: 0, healthyTargets: 0 }).state).toBe('waiting');
    expect(idleReadiness({ ...base, desired: 1, running: 1, healthyTargets: 1 }).state).toBe('ready');
  });

  it('healthy targets are not enough without the tasks running (a target can outlive its task)', () => {
    expect(idleReadiness({ ...base, running: 1, healthyTargets: 2 }).state).toBe('waiting');
  });

  it('property: ready exactly when the rollout completed and every desired task (at least one) runs and is healthy; else failed at the deadline or on a failed rollout, waiting otherwise', () => {
    const rollout = fc.constantFrom<Rollout>({ state: 'completed' }, { state: 'in-progress' }, { state: 'failed', reason: 'r' });
    fc.assert(
      fc.property(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4), rollout, fc.integer({ min: 0, max: 2000 }), (desired, running, healthyTargets, unhealthyTargets, r, nowMs) => {
        const v = idleReadiness({ desired, running, healthyTargets, unhealthyTargets, rollout: r, nowMs, deadlineMs: 1000 });
        const ready = r.state === 'completed' && desired >= 1 && running >= desired && healthyTargets >= desired;
        const expected = r.state === 'failed' ? 'IdleDeploymentFailed' : ready ? 'ready' : nowMs >= 1000 ? 'IdleNeverHealthy' : 'waiting';
        expect(v.state === 'failed' ? v.error : v.state).toBe(expected);
      }),
    );
  });
});

describe('rolloutOf: the words', () => {
  it('names the failed deployment, its reason only when ECS gave one, and where the service went', () => {
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: TD, rolloutState: 'FAILED' }])).toEqual({ state: 'failed', reason: 'the deployment of shop-dev-green:8 failed' });
    expect(rolloutOf(TD, [{ status: 'ACTIVE', taskDefinition: TD, rolloutState: 'FAILED', rolloutStateReason: 'boom' }])).toEqual({ state: 'failed', reason: 'the deployment of shop-dev-green:8 failed: boom' });
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: undefined, rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE', taskDefinition: TD, rolloutState: 'FAILED' }])).toEqual({ state: 'failed', reason: 'the deployment of shop-dev-green:8 failed; the service went back to (none)' });
  });

  it('a PRIMARY on another task definition names both, and its reason only when ECS gave one', () => {
    const says = (why: string) => `the service's PRIMARY deployment runs shop-dev-green:7, not shop-dev-green:8 that this cutover deployed${why}: the deployment circuit breaker rolled it back, or something else updated the service`;
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'COMPLETED' }])).toEqual({ state: 'failed', reason: says('') });
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'COMPLETED', rolloutStateReason: 'done' }])).toEqual({ state: 'failed', reason: says(' (done)') });
  });

  it('no PRIMARY yet is in progress', () => {
    expect(rolloutOf(TD, [])).toEqual({ state: 'in-progress' });
    expect(rolloutOf(TD, [{ status: 'ACTIVE', taskDefinition: TD, rolloutState: 'COMPLETED' }])).toEqual({ state: 'in-progress' });
  });
});
