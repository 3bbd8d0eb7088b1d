import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handlerEnv, healthyTargets, lockSlice, plan } from './env';

handlerEnv();
const ecs = mockClient(ECSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const ddb = mockClient(DynamoDBDocumentClient);

const NEW = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-dev-green:8';
const OLD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-dev-green:7';
const deploy = { image: 'img:2', taskDefinition: NEW, desired: 2, deadlineMs: Date.now() + 900_000, previousIdleCount: 0, previousImage: 'img:1', previousTaskDefinition: OLD };
const status = { action: 'status', executionId: 'exec-1', state: { plan, lock: lockSlice, deploy } };

describe('deploy-idle: status', () => {
  const { handler } = require('../../../lambda/deploy-idle');
  beforeEach(() => {
    for (const m of [ecs, elb, ddb]) m.reset();
    ddb.on(PutCommand).resolves({});
    // After a rollback the old task definition's tasks run and pass their health checks.
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
  });

  it('a circuit-breaker rollback fails at once with IdleDeploymentFailed and the deployment\'s reason, long before the deadline', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{
        desiredCount: 2, runningCount: 2, taskDefinition: OLD,
        deployments: [
          { status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.' },
          { status: 'ACTIVE', taskDefinition: NEW, rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' },
        ],
      }],
    });
    await expect(handler(status)).rejects.toMatchObject({
      name: 'IdleDeploymentFailed',
      message: expect.stringMatching(/^green: the deployment of shop-dev-green:8 failed: ECS deployment circuit breaker: tasks failed to start\.; the service went back to shop-dev-green:7/),
    });
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it('once the rollback completed and the failed deployment is gone, PRIMARY on the old task definition still fails at once', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ desiredCount: 2, runningCount: 2, taskDefinition: OLD, deployments: [{ status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment ecs-svc/2 completed.' }] }],
    });
    await expect(handler(status)).rejects.toMatchObject({ name: 'IdleDeploymentFailed', message: expect.stringMatching(/PRIMARY deployment runs shop-dev-green:7, not shop-dev-green:8 that this cutover deployed \(ECS deployment ecs-svc\/2 completed\.\)/) });
  });

  it('a rollout still in progress on the new task definition waits; completed and healthy is ready', async () => {
    ecs.on(DescribeServicesCommand).resolvesOnce({
      services: [{ desiredCount: 2, runningCount: 1, taskDefinition: NEW, deployments: [{ status: 'PRIMARY', taskDefinition: NEW, rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE', taskDefinition: OLD, rolloutState: 'COMPLETED' }] }],
    }).resolves({
      services: [{ desiredCount: 2, runningCount: 2, taskDefinition: NEW, deployments: [{ status: 'PRIMARY', taskDefinition: NEW, rolloutState: 'COMPLETED' }] }],
    });
    await expect(handler(status)).resolves.toMatchObject({ ready: false, detail: expect.stringMatching(/rollout in progress/) });
    await expect(handler(status)).resolves.toEqual({ ready: true, detail: 'ready' });
  });
});
