import { DescribeServicesCommand, ECSClient, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import { awsCall, sdkClient } from './clients';

const clients = { ecs: sdkClient('ecs', (c) => new ECSClient(c)) };
import { DeploymentFact } from '../decisions/idle';

const call = <T>(name: string, fn: () => Promise<T>) => awsCall(`ecs:${name}`, fn);

export interface ServiceState {
  readonly desired: number;
  readonly running: number;
  readonly taskDefinition: string;
  /** Deployments not yet COMPLETED. */
  readonly deploymentsInProgress: number;
  /** The PRIMARY deployment's rollout state. */
  readonly primaryRollout: string | undefined;
  readonly primaryTaskDefinition: string | undefined;
  /** Every deployment listed (PRIMARY, ACTIVE), with its rollout state and reason. */
  readonly deployments: readonly DeploymentFact[];
}

export async function describeService(cluster: string, service: string): Promise<ServiceState> {
  const r = await call('DescribeServices', () => clients.ecs().send(new DescribeServicesCommand({ cluster, services: [service] })));
  const s = r.services?.[0];
  if (!s) throw new Error(`ECS service ${service} not found in cluster ${cluster}`);
  const deployments = s.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  return {
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    taskDefinition: s.taskDefinition ?? '',
    deploymentsInProgress: deployments.filter((d) => d.rolloutState !== 'COMPLETED').length,
    primaryRollout: primary?.rolloutState,
    primaryTaskDefinition: primary?.taskDefinition,
    deployments: deployments.map((d) => ({ status: d.status, taskDefinition: d.taskDefinition, rolloutState: d.rolloutState, rolloutStateReason: d.rolloutStateReason })),
  };
}

/** A described task definition with its tags, which ECS returns beside it only when asked. */
export type DescribedTaskDefinition = TaskDefinition & { readonly tags?: Tag[] };

export async function describeTaskDefinition(taskDefinition: string): Promise<DescribedTaskDefinition> {
  const d = await call('DescribeTaskDefinition', () => clients.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })));
  if (!d.taskDefinition) throw new Error(`task definition ${taskDefinition} not found`);
  return { ...d.taskDefinition, tags: d.tags };
}

/**
 * Every field RegisterTaskDefinition accepts that DescribeTaskDefinition returns
 * on the task definition (tags come beside it). Read-only fields (ARN, revision,
 * status, compatibilities, requiresAttributes, registeredAt/By) are not in it.
 */
const CARRIED_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const satisfies ReadonlyArray<keyof RegisterTaskDefinitionCommandInput & keyof TaskDefinition>;
// Compile-time check: a field the SDK adds to both shapes must be carried (or this line names it).
type Uncarried = Exclude<keyof RegisterTaskDefinitionCommandInput & keyof TaskDefinition, (typeof CARRIED_FIELDS)[number]>;
const everyFieldCarried: [Uncarried] extends [never] ? true : Uncarried = true;
void everyFieldCarried;

/** Image of `container` in a described task definition. */
export function imageIn(td: TaskDefinition, container: string): string | undefined {
  return td.containerDefinitions?.find((c) => c.name === container)?.image;
}

/**
 * Registers a revision of the described `td` whose `container` runs `image`,
 * identical otherwise (every field RegisterTaskDefinition takes, tags included);
 * returns its ARN.
 */
export async function registerWithImage(td: DescribedTaskDefinition, container: string, image: string): Promise<string> {
  if (!td.containerDefinitions?.some((c) => c.name === container)) throw new Error(`task definition ${td.taskDefinitionArn} has no container named ${container}`);
  const carried: Record<string, unknown> = {};
  for (const k of CARRIED_FIELDS) if (td[k] !== undefined) carried[k] = td[k];
  const input: RegisterTaskDefinitionCommandInput = {
    ...carried,
    family: td.family,
    containerDefinitions: td.containerDefinitions.map((c) => (c.name === container ? { ...c, image } : c)),
  };
  // The revision keeps the family's tags (registering with tags needs ecs:TagResource).
  if (td.tags && td.tags.length > 0) input.tags = td.tags;
  const r = await call('RegisterTaskDefinition', () => clients.ecs().send(new RegisterTaskDefinitionCommand(input)));
  const arn = r.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('RegisterTaskDefinition returned no ARN');
  return arn;
}

export async function updateService(cluster: string, service: string, desiredCount: number, taskDefinition?: string): Promise<void> {
  await call('UpdateService', () => clients.ecs().send(new UpdateServiceCommand({ cluster, service, desiredCount, taskDefinition })));
}
