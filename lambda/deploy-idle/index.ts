import * as z from '../shared/zod';
import { IdleDeploymentFailed, IdleNeverHealthy } from '../shared/errors';
import { caughtErrorSchema, deploySliceSchema, DeploySlice } from '../shared/deploy-slice';
import { lockSliceSchema } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import { idleReadiness, rolloutOf } from '../shared/decisions/idle';
import * as ecr from '../shared/adapters/ecr';
import * as ecs from '../shared/adapters/ecs';
import { pinnedImage, pinningOf } from '../shared/images';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { lockKey } from '../shared/lock-key';
import { readState, recordDesiredCount, recordImage } from '../shared/adapters/state';
import { settings } from '../shared/settings';
// Gives settings() the schema of CUTOVER_DEFAULTS.idleDeadlineSeconds, which this handler reads.
import '../shared/cutover-fields';

/** The fields of the plan this handler reads. */
const planSchema = planSlice('image');

/** The container every Switchyard task definition runs the application in. */
export const APP_CONTAINER = 'app';

/**
 * The image as it is now: an ECR tag resolved to its digest (ecr:DescribeImages),
 * an ECR digest checked to exist, another registry's reference as given (pinned
 * only when it names a digest). The task definition runs the pinned image, so a
 * tag moved later changes neither what runs nor what a rollback returns to.
 */
export async function pin(image: string): Promise<{ image: string; digest: string | null }> {
  const p = pinningOf(image);
  if (p.how === 'unpinned') return { image, digest: null };
  const digest = p.how === 'given' ? p.digest : await ecr.imageDigest(p.repository, p);
  return { image: pinnedImage(image, digest), digest };
}

const base = { executionId: z.string() };
const eventSchema = z.discriminatedUnion('action', [
  z.object({ ...base, action: z.literal('deploy'), state: z.object({ plan: planSchema, lock: lockSliceSchema }) }),
  z.object({ ...base, action: z.literal('status'), state: z.object({ plan: planSchema, lock: lockSliceSchema, deploy: deploySliceSchema }) }),
  // The lock slice is absent when taking the lock itself failed: then nothing was deployed.
  z.object({ ...base, action: z.literal('abort'), state: z.object({ plan: planSchema, lock: z.optional(lockSliceSchema), deploy: z.optional(deploySliceSchema), error: z.optional(caughtErrorSchema) }) }),
]);

export const handler = wrap('deploy-idle', eventSchema, async (event) => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  if (event.action === 'abort' && !event.state.lock) {
    await ledger.record(s.ledgerTable, pk, 'aborted', event.executionId, { error: event.state.error, restored: null });
    return { aborted: true, restoredCount: null };
  }
  const lock = event.state.lock!;
  const idle = lock.newColor;
  const svc = s.colors[idle].service;

  if (event.action === 'deploy') {
    const recorded = await readState(s.parameters);
    const current = await ecs.describeService(s.cluster, svc);
    const described = await ecs.describeTaskDefinition(current.taskDefinition);
    const currentImage = ecs.imageIn(described, APP_CONTAINER) ?? recorded.image[idle];
    const requestedImage = event.state.plan.image ?? recorded.image[idle];
    const { image, digest } = await pin(requestedImage);
    const desired = lock.liveDesired;
    let taskDefinition = current.taskDefinition;
    // A retried deploy finds the image already in place and registers nothing new.
    if (image !== currentImage) taskDefinition = await ecs.registerWithImage(described, APP_CONTAINER, image);
    await ecs.updateService(s.cluster, svc, desired, taskDefinition === current.taskDefinition ? undefined : taskDefinition);
    await recordImage(s.parameters, idle, image);
    await recordDesiredCount(s.parameters, idle, desired);
    const slice: DeploySlice = {
      image,
      taskDefinition,
      desired,
      deadlineMs: Date.now() + s.defaults.idleDeadlineSeconds * 1000,
      previousIdleCount: recorded.desiredCount[idle],
      previousImage: recorded.image[idle],
      previousTaskDefinition: current.taskDefinition,
    };
    await ledger.record(s.ledgerTable, pk, 'deployed', event.executionId, { color: idle, ...slice, requestedImage, digest });
    return slice;
  }

  if (event.action === 'status') {
    const d = event.state.deploy;
    const [svcState, health] = await Promise.all([ecs.describeService(s.cluster, svc), elb.targetHealth(s.colors[idle].targetGroupArn)]);
    const verdict = idleReadiness({
      desired: d.desired,
      running: svcState.running,
      healthyTargets: health.healthy,
      unhealthyTargets: health.unhealthy,
      rollout: rolloutOf(d.taskDefinition, svcState.deployments),
      nowMs: Date.now(),
      deadlineMs: d.deadlineMs,
    });
    if (verdict.state === 'failed') throw new (verdict.error === 'IdleDeploymentFailed' ? IdleDeploymentFailed : IdleNeverHealthy)(`${idle}: ${verdict.detail}`);
    if (verdict.state === 'ready') await ledger.record(s.ledgerTable, pk, 'idle-ready', event.executionId, { color: idle, healthy: health.healthy });
    return { ready: verdict.state === 'ready', detail: verdict.state === 'waiting' ? verdict.detail : 'ready' };
  }

  // abort: traffic never moved; put the idle color back as it was.
  const d = event.state.deploy;
  if (d) {
    await ecs.updateService(s.cluster, svc, d.previousIdleCount, d.previousTaskDefinition === d.taskDefinition ? undefined : d.previousTaskDefinition);
    await recordImage(s.parameters, idle, d.previousImage);
    await recordDesiredCount(s.parameters, idle, d.previousIdleCount);
  }
  await ledger.record(s.ledgerTable, pk, event.state.error ? 'aborted' : 'idle-restored', event.executionId, { color: idle, error: event.state.error, restored: d ? { count: d.previousIdleCount, image: d.previousImage } : null });
  return { aborted: true, restoredCount: d?.previousIdleCount ?? null };
});
