/**
 * A world's data plane in moto, made through the AWS API from a plan that
 * holds everything the making reads. The same plan makes the same resources,
 * so the world keeps moto's state after making them (moto-server.py's
 * snapshots) and the next world of that plan restores it in one request
 * instead of some thirty.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createHash } from 'crypto';
import { Color, COLORS, stateParameterNames } from '../lambda/shared/colors';
import { Weights } from '../lambda/shared/decisions/weights';
import { ecrRepositoryOf, parseImageRef } from '../lambda/shared/images';
import { TEST_HEADER } from '../lambda/shared/routes';
import { DnsCutover } from '../lambda/shared/settings';
import { SynthesizedApp } from './app';

export const REGION = 'eu-west-1';
/** The test route's token: the test rule's header value and the secret's. */
const TOKEN = 'test-route-token-0123456789';

/** Everything the making of a world's resources reads. */
export interface ResourcePlan {
  readonly service: string;
  readonly environment: string;
  /** `<service>-<environment>`: the load balancer, cluster, services and topics are named after it. */
  readonly prefix: string;
  readonly image: string;
  /** Tasks (healthy targets) of the live color, blue. */
  readonly desired: number;
  readonly targetGroup: SynthesizedApp['targetGroup'];
  /** The database the backup stage snapshots, when the environment names one. */
  readonly database?: string;
  readonly dns?: SynthesizedApp['dns'];
}

/** What the making returns: the names and ARNs the world and its handlers use. */
export interface WorldResources {
  readonly loadBalancerArn: string;
  readonly targetGroups: Record<Color, string>;
  /** The maintenance page's (Lambda) target group. */
  readonly maintenanceTargetGroup: string;
  readonly listenerArn: string;
  readonly testRuleArn: string;
  /** Each color's service, the task definition it runs and its tasks, each a healthy target. */
  readonly services: Record<Color, { readonly name: string; readonly taskDefinition: string; readonly desired: number }>;
  /** The next target IP's last byte (targets get 10.40.x.N in turn). */
  readonly ipCounter: number;
  readonly topics: { readonly critical: string; readonly warning: string };
  readonly testTokenSecretArn: string;
  /** The legacy DNS cutover, with the zone moto made, when the environment has one. */
  readonly dns?: DnsCutover;
}

/** The plan of a synthesized app. */
export function resourcePlan(app: SynthesizedApp, desired: number): ResourcePlan {
  return { service: app.service, environment: app.environment, prefix: app.prefix, image: app.image, desired, targetGroup: app.targetGroup, database: app.handlerEnv.DATABASE_INSTANCE, dns: app.dns };
}

/** Names the state a plan makes: the same plan, the same key. */
export function planKey(plan: ResourcePlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 32);
}

/** A listener action forwarding to both colors by `w`. */
export function forwardTo(targetGroups: Record<Color, string>, w: Weights): elbv2.Action[] {
  return [{ Type: 'forward', ForwardConfig: { TargetGroups: COLORS.map((c) => ({ TargetGroupArn: targetGroups[c], Weight: w[c] })) } }];
}

/** Targets of one color with IPs numbered from `from`. */
export function targetIps(c: Color, from: number, count: number): Array<{ Id: string; Port: number }> {
  return Array.from({ length: count }, (_, i) => ({ Id: `10.40.${c === 'blue' ? 0 : 1}.${(from + i) % 250}`, Port: 80 }));
}

/**
 * Pushes `image` (a private ECR image by tag), making its repository when
 * missing. `content` stands for what was built: other content under the same
 * tag moves the tag. Returns the image's digest.
 */
export async function pushImage(ecr: ECRClient, image: string, content = image): Promise<string> {
  const ref = parseImageRef(image);
  const repo = ref && ecrRepositoryOf(ref.repository);
  if (!ref?.tag || !repo) throw new Error(`pushImage takes a private ECR image by tag, not ${image}`);
  try {
    await ecr.send(new CreateRepositoryCommand({ registryId: repo.account, repositoryName: repo.name }));
  } catch (e) {
    if ((e as Error).name !== 'RepositoryAlreadyExistsException') throw e;
  }
  const layer = `sha256:${createHash('sha256').update(content).digest('hex')}`;
  const manifest = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: layer }, layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1, digest: layer }] };
  const r = await ecr.send(new PutImageCommand({ registryId: repo.account, repositoryName: repo.name, imageTag: ref.tag, imageManifest: JSON.stringify(manifest) }));
  return r.image!.imageId!.imageDigest!;
}

/** An SDK client of the world's endpoint. */
export type ClientOf = <T>(C: new (c: object) => T) => T;

/** Makes the plan's resources in an empty moto, the way the stacks describe them. */
export async function createResources(plan: ResourcePlan, sdk: ClientOf): Promise<WorldResources> {
  const ec2 = sdk(EC2Client);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
  const subnets: string[] = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.40.${i}.0/24`, AvailabilityZone: `${REGION}${az}` }))).Subnet!.SubnetId!);
  }
  const elb = sdk(elbv2.ElasticLoadBalancingV2Client);
  const lb = (await elb.send(new elbv2.CreateLoadBalancerCommand({ Name: plan.prefix, Subnets: subnets, Scheme: 'internet-facing' }))).LoadBalancers![0];
  const targetGroups = {} as Record<Color, string>;
  for (const c of COLORS) {
    // The target-group settings the platform template synthesizes.
    const t = plan.targetGroup;
    const made = await elb.send(
      new elbv2.CreateTargetGroupCommand({ Name: `${plan.prefix}-${c}`, Protocol: 'HTTP', Port: t.port, VpcId: vpc, TargetType: 'ip', HealthCheckPath: t.healthCheckPath, HealthCheckIntervalSeconds: t.interval, HealthCheckTimeoutSeconds: t.timeout, HealthyThresholdCount: t.healthy, UnhealthyThresholdCount: t.unhealthy }),
    );
    targetGroups[c] = made.TargetGroups![0].TargetGroupArn!;
  }
  const maintenanceTargetGroup = (await elb.send(new elbv2.CreateTargetGroupCommand({ Name: `${plan.prefix}-maintenance`, TargetType: 'lambda' }))).TargetGroups![0].TargetGroupArn!;
  const listenerArn = (await elb.send(new elbv2.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Port: 80, Protocol: 'HTTP', DefaultActions: forwardTo(targetGroups, { blue: 100, green: 0 }) }))).Listeners![0].ListenerArn!;
  const testRuleArn = (
    await elb.send(
      new elbv2.CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: TEST_HEADER, Values: [TOKEN] } }],
        Actions: forwardTo(targetGroups, { blue: 0, green: 1 }),
      }),
    )
  ).Rules![0].RuleArn!;

  const ecs = sdk(ECSClient);
  await ecs.send(new CreateClusterCommand({ clusterName: plan.prefix }));
  const services = {} as Record<Color, WorldResources['services'][Color]>;
  let ipCounter = 10;
  for (const c of COLORS) {
    const td = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `${plan.prefix}-${c}`,
          containerDefinitions: [{ name: 'app', image: plan.image, portMappings: [{ containerPort: plan.targetGroup.port }] }],
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '512',
          memory: '1024',
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    const desired = c === 'blue' ? plan.desired : 0;
    const name = `${plan.prefix}-${c}`;
    await ecs.send(new CreateServiceCommand({ cluster: plan.prefix, serviceName: name, taskDefinition: td, desiredCount: desired, launchType: 'FARGATE' }));
    // Each task a healthy target, as ECS and the load balancer would make it.
    if (desired > 0) await elb.send(new elbv2.RegisterTargetsCommand({ TargetGroupArn: targetGroups[c], Targets: targetIps(c, ipCounter, desired) }));
    ipCounter += desired;
    services[c] = { name, taskDefinition: td, desired };
  }

  // The configured image, when in private ECR, is in its repository as a deployed account's would be.
  const startImage = parseImageRef(plan.image);
  if (startImage?.tag && ecrRepositoryOf(startImage.repository)) await pushImage(sdk(ECRClient), plan.image);

  const ssm = sdk(SSMClient);
  const names = stateParameterNames(plan.service, plan.environment);
  const put = (Name: string, Value: string) => ssm.send(new PutParameterCommand({ Name, Value, Type: 'String', Overwrite: true }));
  await put(names.liveColor, 'blue');
  for (const c of COLORS) {
    await put(names.image[c], plan.image);
    await put(names.desiredCount[c], String(services[c].desired));
  }

  const ddb = sdk(DynamoDBClient);
  await ddb.send(new CreateTableCommand({ TableName: 'locks', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
  await ddb.send(
    new CreateTableCommand({
      TableName: 'ledger',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  if (plan.database) {
    await sdk(RDSClient).send(new CreateDBInstanceCommand({ DBInstanceIdentifier: plan.database, Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'switchyard', MasterUserPassword: 'rehearsal-only-1' }));
  }

  const sns = sdk(SNSClient);
  const topics = {
    critical: (await sns.send(new CreateTopicCommand({ Name: `${plan.prefix}-critical` }))).TopicArn!,
    warning: (await sns.send(new CreateTopicCommand({ Name: `${plan.prefix}-warning` }))).TopicArn!,
  };
  const testTokenSecretArn = (await sdk(SecretsManagerClient).send(new CreateSecretCommand({ Name: 'test-token', SecretString: TOKEN }))).ARN!;

  // A legacy DNS cutover: the zone, and the weighted legacy record holding every client.
  let dns: DnsCutover | undefined;
  if (plan.dns) {
    const d = plan.dns;
    const zoneName = d.recordName.split('.').slice(1).join('.');
    const r53 = sdk(Route53Client);
    const zone = (await r53.send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `rehearsal-${plan.prefix}` }))).HostedZone!.Id!.replace('/hostedzone/', '');
    dns = { ...d, hostedZoneId: zone, albDnsName: lb.DNSName!, albHostedZoneId: lb.CanonicalHostedZoneId ?? 'Z32O12XQLNTSW2' };
    const legacy = { Name: d.recordName, Type: 'CNAME' as const, SetIdentifier: d.legacySetIdentifier, Weight: 100, TTL: 60, ResourceRecords: [{ Value: d.legacyEndpoint }] };
    await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: legacy }] } }));
  }

  return { loadBalancerArn: lb.LoadBalancerArn!, targetGroups, maintenanceTargetGroup, listenerArn, testRuleArn, services, ipCounter, topics, testTokenSecretArn, dns };
}
