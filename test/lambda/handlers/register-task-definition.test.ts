import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, TaskDefinition } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { describeTaskDefinition, registerWithImage } from '../../../lambda/shared/adapters/ecs';

const ecs = mockClient(ECSClient);
beforeEach(() => ecs.reset());

/** A described task definition using every field RegisterTaskDefinition takes, and the read-only ones. */
const described: TaskDefinition = {
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-dev-blue:7',
  revision: 7,
  status: 'ACTIVE',
  compatibilities: ['EC2', 'FARGATE'],
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
  registeredAt: new Date(0),
  registeredBy: 'arn:aws:iam::111111111111:role/deployer',
  family: 'shop-dev-blue',
  taskRoleArn: 'arn:aws:iam::111111111111:role/task',
  executionRoleArn: 'arn:aws:iam::111111111111:role/exec',
  networkMode: 'awsvpc',
  containerDefinitions: [
    { name: 'app', image: 'img:1', essential: true, portMappings: [{ containerPort: 80 }] },
    { name: 'envoy', image: 'envoy:1', essential: true },
  ],
  volumes: [{ name: 'scratch' }],
  placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  pidMode: 'task',
  ipcMode: 'none',
  proxyConfiguration: { type: 'APPMESH', containerName: 'envoy', properties: [{ name: 'IgnoredUID', value: '1337' }] },
  inferenceAccelerators: [{ deviceName: 'd', deviceType: 'eia2.medium' }],
  ephemeralStorage: { sizeInGiB: 30 },
  runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
  enableFaultInjection: true,
};
const tags = [{ key: 'switchyard:service', value: 'shop' }, { key: 'team', value: 'payments' }];

describe('registerWithImage', () => {
  it('registers a revision identical but for the image: tags, pid/ipc/proxy settings and every other field carried', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: described, tags });
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: 'arn:new:8' } });
    const td = await describeTaskDefinition('shop-dev-blue');
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: 'shop-dev-blue', include: ['TAGS'] });
    await expect(registerWithImage(td, 'app', 'img:2')).resolves.toBe('arn:new:8');

    const { taskDefinitionArn, revision, status, compatibilities, requiresAttributes, registeredAt, registeredBy, ...writable } = described;
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input).toEqual({
      ...writable,
      containerDefinitions: [
        { name: 'app', image: 'img:2', essential: true, portMappings: [{ containerPort: 80 }] },
        { name: 'envoy', image: 'envoy:1', essential: true },
      ],
      tags,
    });
  });

  it('sends no tags for an untagged family, and no fields ECS did not return', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { family: 'f', containerDefinitions: [{ name: 'app', image: 'a' }] } });
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: 'arn:f:2' } });
    await registerWithImage(await describeTaskDefinition('f'), 'app', 'b');
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input).toEqual({ family: 'f', containerDefinitions: [{ name: 'app', image: 'b' }] });
  });
});
