import { CloudWatchClient, ListMetricsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ListTablesCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as fc from 'fast-check';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo } from 'net';
import { COLORS } from '../../lambda/shared/colors';
import { runDrill } from '../../rehearsal/drills/run';
import { loadDrill } from '../../rehearsal/drills/schema';
import { Snapshots } from '../../rehearsal/moto';
import { World, WorldOptions } from '../../rehearsal/world';
import { planKey, ResourcePlan, targetIps } from '../../rehearsal/world-resources';
import { useMoto } from '../workflow/moto-world';

const plan: ResourcePlan = {
  service: 'shop',
  environment: 'dev',
  prefix: 'shop-dev',
  image: 'public.ecr.aws/nginx/nginx:1.27',
  desired: 2,
  targetGroup: { port: 80, healthCheckPath: '/health', interval: 10, timeout: 5, healthy: 2, unhealthy: 2 },
};

describe('planKey', () => {
  it('is the same for equal plans and differs when any part of the plan does', () => {
    expect(planKey({ ...plan, targetGroup: { ...plan.targetGroup } })).toBe(planKey(plan));
    const changed: ResourcePlan[] = [
      { ...plan, service: 'cart' },
      { ...plan, environment: 'prod' },
      { ...plan, prefix: 'shop-prod' },
      { ...plan, image: 'public.ecr.aws/nginx/nginx:1.28' },
      { ...plan, desired: 3 },
      { ...plan, targetGroup: { ...plan.targetGroup, healthCheckPath: '/ready' } },
      { ...plan, database: 'shop-db' },
    ];
    const keys = changed.map(planKey);
    expect(new Set([planKey(plan), ...keys]).size).toBe(changed.length + 1);
  });

  it('differs for any two different desired counts and images', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.string(), fc.string(), (a, b, i, j) => {
        fc.pre(a !== b || i !== j);
        expect(planKey({ ...plan, desired: a, image: i })).not.toBe(planKey({ ...plan, desired: b, image: j }));
      }),
    );
  });

  it('is a key moto-server.py accepts', () => {
    expect(planKey(plan)).toMatch(/^[\w-]+$/);
  });
});

describe('targetIps', () => {
  it('numbers targets from the counter, in the color subnet, wrapping at 250', () => {
    expect(targetIps('blue', 10, 2)).toEqual([{ Id: '10.40.0.10', Port: 80 }, { Id: '10.40.0.11', Port: 80 }]);
    expect(targetIps('green', 249, 2).map((t) => t.Id)).toEqual(['10.40.1.249', '10.40.1.0']);
    expect(targetIps('green', 5, 0)).toEqual([]);
  });
});

/** A loopback server answering every request with `status`, counting what it was asked. */
async function stubServer(status: (path: string) => number): Promise<{ endpoint: string; paths: string[]; close: () => Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url!);
    req.resume();
    req.on('end', () => res.writeHead(status(req.url!), { 'content-type': 'application/json' }).end(status(req.url!) === 200 ? '{"listenerArn":"x"}' : 'nope'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths, close: () => new Promise((r) => server.close(() => r())) };
}

describe('Snapshots (the client)', () => {
  it('asks for a restore only of a key it saved, and forgets one the server no longer has', async () => {
    let restoreStatus = 200;
    const stub = await stubServer((p) => (p.endsWith('/restore') ? restoreStatus : 204));
    try {
      const s = Snapshots.of(stub.endpoint);
      expect(await s.restore('k1')).toBeUndefined();
      expect(stub.paths).toEqual([]);
      await s.save('k1', { listenerArn: 'x' });
      expect(await s.restore('k1')).toEqual({ listenerArn: 'x' });
      restoreStatus = 404;
      expect(await s.restore('k1')).toBeUndefined();
      expect(await s.restore('k1')).toBeUndefined();
      expect(stub.paths).toEqual(['/_switchyard/snapshots/k1', '/_switchyard/snapshots/k1/restore', '/_switchyard/snapshots/k1/restore']);
    } finally {
      await stub.close();
    }
  });

  it('fails loudly when a restore fails for another reason', async () => {
    const stub = await stubServer((p) => (p.endsWith('/restore') ? 500 : 204));
    try {
      const s = Snapshots.of(stub.endpoint);
      await s.save('k', {});
      await expect(s.restore('k')).rejects.toThrow(/restore failed: 500 nope/);
    } finally {
      await stub.close();
    }
  });

  it('says once why a server keeps no snapshots, and stops asking it to save', async () => {
    const stub = await stubServer(() => 501);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const s = Snapshots.of(stub.endpoint);
      await s.save('a', {});
      await s.save('b', {});
      expect(stub.paths).toEqual(['/_switchyard/snapshots/a']);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/keeps no snapshots \(501 nope\)/);
      expect(s.unavailable).toBe('501 nope');
      expect(await s.restore('a')).toBeUndefined();
    } finally {
      warn.mockRestore();
      await stub.close();
    }
  });

  it('refuses a key that is not a plain name', async () => {
    await expect(Snapshots.of('http://127.0.0.1:9').save('../x', {})).rejects.toThrow(/letters, digits/);
  });
});

describe('a world restored from a snapshot', () => {
  const moto = useMoto();

  const sdk = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  /** What moto holds of a world, read through the AWS API. */
  async function observe(w: World) {
    const c = { ...sdk, endpoint: moto().endpoint };
    const elb = new elbv2.ElasticLoadBalancingV2Client(c);
    const listener = (await elb.send(new elbv2.DescribeListenersCommand({ ListenerArns: [w.listenerArn] }))).Listeners![0];
    const health = Object.fromEntries(
      await Promise.all(COLORS.map(async (col) => [col, ((await elb.send(new elbv2.DescribeTargetHealthCommand({ TargetGroupArn: w.targetGroups[col] }))).TargetHealthDescriptions ?? []).map((d) => d.Target!.Id).sort()] as const)),
    );
    const parameters = Object.fromEntries(await Promise.all([w.names.liveColor, ...COLORS.flatMap((col) => [w.names.image[col], w.names.desiredCount[col]])].map(async (n) => [n, await w.parameter(n)] as const)));
    const ecrImage = /\.dkr\.ecr\./.test(w.synthesized.image);
    return {
      listener: listener.DefaultActions,
      rules: await w.rules(),
      services: { blue: await w.observeService('blue'), green: await w.observeService('green') },
      health,
      parameters,
      tables: (await new DynamoDBClient(c).send(new ListTablesCommand({}))).TableNames,
      ledger: (await new DynamoDBClient(c).send(new ScanCommand({ TableName: 'ledger' }))).Items,
      topics: (await new SNSClient(c).send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn).sort(),
      secret: (await new SecretsManagerClient(c).send(new GetSecretValueCommand({ SecretId: 'test-token' }))).SecretString,
      databases: (await new RDSClient(c).send(new DescribeDBInstancesCommand({}))).DBInstances!.map((d) => d.DBInstanceIdentifier),
      images: ecrImage ? (await new ECRClient({ ...c }).send(new DescribeImagesCommand({ registryId: '111111111111', repositoryName: 'shop' }))).imageDetails!.map((d) => d.imageTags) : [],
      dns: w.dns ? await w.dnsRecords() : undefined,
      metrics: (await new CloudWatchClient(c).send(new ListMetricsCommand({}))).Metrics!.length,
    };
  }

  /** The world's own state that build() sets, as plain data. */
  const fields = (w: World) => JSON.parse(JSON.stringify({ ...w, restoredFromSnapshot: undefined }, (k, v) => (['clock', 'simulation', 'alarmStates', 'synthesized', 'clients', 'server', 'opts'].includes(k) ? undefined : v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)));

  async function built(opts: WorldOptions): Promise<World> {
    const w = new World(moto().endpoint, opts);
    await w.build();
    return w;
  }

  it.each([
    ['staging (a DNS cutover)', { env: 'staging', desiredCount: 5 }, { databases: [], images: [] }],
    ['production (a database, an image in private ECR)', { env: 'production', desiredCount: 6 }, { databases: ['shop-production'], images: [['1.42.0']], dns: undefined }],
  ])('%s: is the world built through the API, in moto and in the world', async (_name, opts, holds) => {
    const first = await built(opts);
    const made = { fields: fields(first), moto: await observe(first) };
    await first.close();
    expect(first.restoredFromSnapshot).toBe(false);
    expect(made.moto).toMatchObject(holds);
    expect(made.moto.health.blue).toHaveLength(opts.desiredCount);
    expect(made.moto.dns === undefined).toBe(opts.env !== 'staging');

    const again = await built(opts);
    try {
      expect(again.restoredFromSnapshot).toBe(true);
      expect(fields(again)).toEqual(made.fields);
      expect(await observe(again)).toEqual(made.moto);
    } finally {
      await again.close();
    }
  });

  it('forgets everything done after the snapshot, in every service, on each restore', async () => {
    const opts = { env: 'dev', desiredCount: 7 };
    const first = await built(opts);
    const pristine = await observe(first);
    await first.close();
    const c = { ...sdk, endpoint: moto().endpoint };
    for (let round = 0; round < 2; round++) {
      const w = await built(opts);
      try {
        expect(w.restoredFromSnapshot).toBe(true);
        expect(await observe(w)).toEqual(pristine);
        // A cutover's worth of changes: the live color, a ledger entry, targets, a topic, and metrics (a service the snapshot never held).
        await new SSMClient(c).send(new PutParameterCommand({ Name: w.names.liveColor, Value: 'green', Type: 'String', Overwrite: true }));
        await new DynamoDBClient(c).send(new PutItemCommand({ TableName: 'ledger', Item: { pk: { S: 'x' }, sk: { S: String(round) } } }));
        await w.setTargets('green', 3);
        await new SNSClient(c).send(new CreateTopicCommand({ Name: 'extra' }));
        await new CloudWatchClient(c).send(new PutMetricDataCommand({ Namespace: 'Test', MetricData: [{ MetricName: 'm', Value: 1 }] }));
        expect(await observe(w)).not.toEqual(pristine);
      } finally {
        await w.close();
      }
    }
  });

  it('makes the resources of another plan through the API', async () => {
    const w = await built({ env: 'dev', desiredCount: 8 });
    try {
      expect(w.restoredFromSnapshot).toBe(false);
      expect((await observe(w)).health.blue).toHaveLength(8);
    } finally {
      await w.close();
    }
  });

  it("leaves the handlers none of an earlier world's variables", async () => {
    const staging = await built({ env: 'staging', desiredCount: 5 });
    await staging.close();
    expect(process.env.DNS_CUTOVER).toBeDefined();
    const production = await built({ env: 'production', desiredCount: 6 });
    await production.close();
    expect(process.env.DNS_CUTOVER).toBeUndefined();
    expect(process.env.DATABASE_INSTANCE).toBe('shop-production');
    const dev = await built({ env: 'dev', desiredCount: 7 });
    await dev.close();
    expect(process.env.DATABASE_INSTANCE).toBeUndefined();
    expect(process.env.LISTENER_ARN).toBe(dev.listenerArn);
  });

  it('runs a drill to the same report as a world built through the API', async () => {
    const file = loadDrill(path.join(__dirname, '..', '..', 'drills', 'triggers', '5xx-above-5pct-for-2min-crossed.json'));
    // A plan no other test builds, so the first run makes it and the second restores it.
    const drill = { ...file, config: { ...file.config, service: { desiredCount: 9 } } };
    // What the drill came to; not its times, which move by a second with the real time the handlers take.
    const report = async () => {
      const r = await runDrill(moto(), drill);
      return {
        ...pick(r, ['status', 'error', 'matched', 'mismatches', 'finalWeights', 'colors', 'maxNewWeight', 'requests', 'failedRequests', 'awsCalls', 'transitions', 'statesEntered']),
        alarmChanges: r.alarmChanges.map((a) => [a.alarm, a.from, a.to]),
        deliveries: r.deliveries.map((d) => [d.alarm, d.target, d.ok, d.action]),
      };
    };
    const built = await report();
    const restored = await report();
    expect(built).toMatchObject({ matched: true, status: 'FAILED', error: 'RolledBack' });
    expect(restored).toEqual(built);
  });
});

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
