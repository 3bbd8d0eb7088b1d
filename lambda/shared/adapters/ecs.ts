import { DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import { awsCall, clients } from './clients';

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
  };
}

export async function describeTaskDefinition(taskDefinition: string): Promise<TaskDefinition> {
  const d = await call('DescribeTaskDefinition', () => clients.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition })));
  if (!d.taskDefinition) throw new Error(`task definition ${taskDefinition} not found`);
  return d.taskDefinition;
}

/** Image of `container` in a described task definition. */
export function imageIn(td: TaskDefinition, container: string): string | undefined {
  return td.containerDefinitions?.find((c) => c.name === container)?.image;
}

/** Registers a revision of the described `td` whose `container` runs `image`; returns its ARN. */
export async function registerWithImage(td: TaskDefinition, container: string, image: string): Promise<string> {
  if (!td.containerDefinitions?.some((c) => c.name === container)) throw new Error(`task definition ${td.taskDefinitionArn} has no container named ${container}`);
  const input: RegisterTaskDefinitionCommandInput = {
    family: td.family,
    taskRoleArn: td.taskRoleArn,
    executionRoleArn: td.executionRoleArn,
    networkMode: td.networkMode,
    containerDefinitions: td.containerDefinitions.map((c) => (c.name === container ? { ...c, image } : c)),
    volumes: td.volumes,
    requiresCompatibilities: td.requiresCompatibilities,
    cpu: td.cpu,
    memory: td.memory,
    runtimePlatform: td.runtimePlatform,
    ephemeralStorage: td.ephemeralStorage,
  };
  const r = await call('RegisterTaskDefinition', () => clients.ecs().send(new RegisterTaskDefinitionCommand(input)));
  const arn = r.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('RegisterTaskDefinition returned no ARN');
  return arn;
}

export async function updateService(cluster: string, service: string, desiredCount: number, taskDefinition?: string): Promise<void> {
  await call('UpdateService', () => clients.ecs().send(new UpdateServiceCommand({ cluster, service, desiredCount, taskDefinition })));
}
