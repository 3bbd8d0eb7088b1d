import fc from 'fast-check';
import { Color } from '../../../lambda/shared/colors';
import { MetricId } from '../../../rehearsal/metrics/store';
import { dataSourceCheck, MinuteResult, MinuteView, Publication, TrafficModel, TrafficModelOptions } from '../../../rehearsal/traffic/model';
import { ColorBehaviour, HEALTHY, PublishedMetric } from '../../../rehearsal/traffic/schema';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const LB = 'app/shop-dev/abc';
const TG: Record<Color, string> = { blue: 'targetgroup/shop-dev-blue/123', green: 'targetgroup/shop-dev-green/456' };
const EXITS: Record<Color, MetricId> = {
  blue: { namespace: 'Switchyard/TaskExits', metricName: 'TaskExits', dimensions: { Group: 'service:shop-dev-blue' } },
  green: { namespace: 'Switchyard/TaskExits', metricName: 'TaskExits', dimensions: { Group: 'service:shop-dev-green' } },
};
const publication: Publication = {
  loadBalancer: LB,
  targetGroup: TG,
  cluster: 'shop-dev',
  service: { blue: 'shop-dev-blue', green: 'shop-dev-green' },
  taskExits: EXITS,
};

const model = (o: Partial<TrafficModelOptions> = {}) =>
  new TrafficModel({ requestsPerMinute: 1000, stickyClientsPercent: 0, ingestDelaySeconds: 60, seed: 1, publication, ...o });

type ViewPatch = Partial<Omit<MinuteView, 'behaviour'>> & { behaviour?: Partial<Record<Color, Partial<ColorBehaviour>>> };
const view = (minute: number, v: ViewPatch = {}): MinuteView => ({
  startMs: T0 + minute * MIN,
  weights: { blue: 100, green: 0 },
  albShare: 1,
  stickiness: { enabled: false, durationSeconds: 0 },
  registered: { blue: 2, green: 2 },
  desired: { blue: 2, green: 2 },
  sharedMetrics: [],
  ...v,
  behaviour: { blue: { ...HEALTHY, ...v.behaviour?.blue }, green: { ...HEALTHY, ...v.behaviour?.green } },
});

/** Datapoints of one metric name, optionally of one target group / color. */
const find = (r: MinuteResult, metricName: string, dims?: Record<string, string>) =>
  r.datapoints.filter((d) => d.id.metricName === metricName && Object.entries(dims ?? {}).every(([k, v]) => d.id.dimensions[k] === v));
const tg = (c: Color) => ({ TargetGroup: TG[c], LoadBalancer: LB });
const sumOf = (r: MinuteResult, metricName: string, dims?: Record<string, string>) => find(r, metricName, dims).reduce((a, d) => a + d.point.sum, 0);

describe('TrafficModel.minute: requests', () => {
  it('splits requests by the weights and publishes them per target group and for the load balancer', () => {
    const r = model().minute(view(0, { weights: { blue: 30, green: 70 } }));
    expect(r.perColor.blue.requests).toBe(300);
    expect(r.perColor.green.requests).toBe(700);
    expect(sumOf(r, 'RequestCount', tg('blue'))).toBe(300);
    expect(sumOf(r, 'RequestCount', tg('green'))).toBe(700);
    const lb = find(r, 'RequestCount').filter((d) => d.id.dimensions.TargetGroup === undefined);
    expect(lb).toHaveLength(1);
    expect(lb[0].id.dimensions).toEqual({ LoadBalancer: LB });
    expect(lb[0].point.sum).toBe(1000);
  });

  it('the colors\' requests add up to the total, within rounding (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 50_000 }), (b, g, total) => {
        fc.pre(b + g > 0);
        const r = model({ requestsPerMinute: total }).minute(view(0, { weights: { blue: b, green: g } }));
        const sum = r.perColor.blue.requests + r.perColor.green.requests;
        expect(Math.abs(sum - total)).toBeLessThanOrEqual(1);
        expect(Math.abs(r.perColor.blue.requests - (total * b) / (b + g))).toBeLessThanOrEqual(0.5);
      }),
    );
  });

  it('a color with weight 0 gets no RequestCount datapoint, nor request-driven metrics', () => {
    const r = model().minute(view(0, { weights: { blue: 100, green: 0 }, behaviour: { green: { errorRatePercent: 50 } } }));
    expect(r.perColor.green.requests).toBe(0);
    expect(find(r, 'RequestCount', { TargetGroup: TG.green })).toEqual([]);
    expect(find(r, 'TargetResponseTime', { TargetGroup: TG.green })).toEqual([]);
    expect(find(r, 'HTTPCode_Target_5XX_Count', { TargetGroup: TG.green })).toEqual([]);
    expect(r.perColor.green.p95Seconds).toBeNull();
    expect(find(r, 'RequestCount', { TargetGroup: TG.blue })).toHaveLength(1);
  });

  it('albShare scales the requests that reach the load balancer', () => {
    const full = model().minute(view(0, { weights: { blue: 50, green: 50 } }));
    const half = model().minute(view(0, { weights: { blue: 50, green: 50 }, albShare: 0.5 }));
    expect(full.perColor.blue.requests + full.perColor.green.requests).toBe(1000);
    expect(half.perColor.blue.requests).toBe(250);
    expect(half.perColor.green.requests).toBe(250);
    expect(sumOf(half, 'RequestCount', { LoadBalancer: LB }) - sumOf(half, 'RequestCount', { TargetGroup: TG.blue }) - sumOf(half, 'RequestCount', { TargetGroup: TG.green })).toBe(500);
  });

  it('follows a requestsPerMinute series minute by minute, repeating it', () => {
    const m = model({ requestsPerMinute: { series: [10, 20, 30] } });
    const totals = [0, 1, 2, 3, 4].map((i) => m.minute(view(i)).perColor.blue.requests);
    expect(totals).toEqual([10, 20, 30, 10, 20]);
  });

  it('stamps datapoints with the minute and makes them visible after the minute plus the ingest delay', () => {
    const r = model({ ingestDelaySeconds: 90 }).minute(view(3));
    expect(r.datapoints.length).toBeGreaterThan(0);
    for (const d of r.datapoints) {
      expect(d.point.timestamp).toBe(T0 + 3 * MIN);
      expect(d.point.visibleAtMs).toBe(T0 + 4 * MIN + 90_000);
    }
  });
});

describe('TrafficModel.minute: failures', () => {
  it('publishes 5xx and connection-error counts only when nonzero', () => {
    const clean = model().minute(view(0, { behaviour: { blue: { errorRatePercent: 0, loadBalancer5xxPercent: 0 } } }));
    for (const name of ['HTTPCode_Target_5XX_Count', 'TargetConnectionErrorCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_ELB_502_Count']) expect(find(clean, name)).toEqual([]);
    expect(clean.perColor.blue.failed).toBe(0);

    const failing = model().minute(view(0, { behaviour: { blue: { errorRatePercent: 20, loadBalancer5xxPercent: 10 } } }));
    const b = failing.perColor.blue;
    expect(b.target5xx).toBeGreaterThan(0);
    expect(b.connectionErrors).toBeGreaterThan(0);
    expect(sumOf(failing, 'HTTPCode_Target_5XX_Count', tg('blue'))).toBe(b.target5xx);
    expect(sumOf(failing, 'TargetConnectionErrorCount', tg('blue'))).toBe(b.connectionErrors);
    expect(b.failed).toBe(b.target5xx + b.connectionErrors);
    // The load balancer's own 5xx carry only its dimension.
    const elb = find(failing, 'HTTPCode_ELB_5XX_Count');
    expect(elb).toHaveLength(1);
    expect(elb[0].id.dimensions).toEqual({ LoadBalancer: LB });
    expect(elb[0].point.sum).toBe(b.connectionErrors);
    // Requests answered (not dropped) have a response time.
    expect(find(failing, 'TargetResponseTime', tg('blue'))[0].point.sampleCount).toBe(b.requests - b.connectionErrors);
  });

  it('the same seed gives identical minutes; different seeds different error draws', () => {
    const run = (seed: number) => {
      const m = model({ seed });
      return [0, 1, 2, 3, 4].map((i) => m.minute(view(i, { weights: { blue: 50, green: 50 }, behaviour: { blue: { errorRatePercent: 10 }, green: { errorRatePercent: 10, loadBalancer5xxPercent: 5 } } })));
    };
    expect(run(7)).toEqual(run(7));
    const draws = (rs: MinuteResult[]) => rs.map((r) => [r.perColor.blue.target5xx, r.perColor.green.target5xx, r.perColor.green.connectionErrors]);
    const seeds = [1, 2, 3, 4, 5].map((s) => JSON.stringify(draws(run(s))));
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it('over many minutes the 5xx count is about rate × requests (binomial, seeded)', () => {
    const totals = (errorRatePercent: number, loadBalancer5xxPercent: number) => {
      const m = model({ seed: 42 });
      let errors = 0;
      let dropped = 0;
      for (let i = 0; i < 200; i++) {
        const r = m.minute(view(i, { behaviour: { blue: { errorRatePercent, loadBalancer5xxPercent } } }));
        errors += r.perColor.blue.target5xx;
        dropped += r.perColor.blue.connectionErrors;
      }
      return { n: 200 * 1000, errors, dropped };
    };
    const within4sd = (k: number, n: number, p: number) => expect(Math.abs(k - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    const low = totals(5, 2);
    within4sd(low.errors, low.n, 0.05);
    // Connections drop among the requests that did not already fail with a 5xx.
    within4sd(low.dropped, low.n - low.errors, 0.02);
    const high = totals(50, 10);
    within4sd(high.errors, high.n, 0.5);
    within4sd(high.dropped, high.n - high.errors, 0.1);
  });

  it('an error rate of 100% fails every request', () => {
    const r = model().minute(view(0, { behaviour: { blue: { errorRatePercent: 100 } } }));
    expect(r.perColor.blue.target5xx).toBe(1000);
  });
});

describe('TrafficModel.minute: hosts, tasks and custom metrics', () => {
  it('publishes HealthyHostCount and UnHealthyHostCount while targets are registered, even without requests', () => {
    const r = model({ requestsPerMinute: 0 }).minute(view(0, { registered: { blue: 3, green: 0 }, behaviour: { blue: { unhealthyTargets: 1 } } }));
    expect(find(r, 'RequestCount')).toEqual([]);
    expect(find(r, 'HealthyHostCount', tg('blue')).map((d) => d.point.maximum)).toEqual([2]);
    expect(find(r, 'UnHealthyHostCount', tg('blue')).map((d) => d.point.maximum)).toEqual([1]);
    expect(find(r, 'HealthyHostCount', tg('green'))).toEqual([]);
    expect(find(r, 'UnHealthyHostCount', tg('green'))).toEqual([]);
    expect(r.perColor.blue).toMatchObject({ healthy: 2, unhealthy: 1 });
  });

  it('publishes ECS CPU and memory only while tasks run, desired and running task counts always', () => {
    const r = model().minute(view(0, { registered: { blue: 2, green: 0 }, desired: { blue: 2, green: 1 }, behaviour: { blue: { cpuPercent: 80, memoryPercent: 60 } } }));
    const svc = (c: Color) => ({ ClusterName: 'shop-dev', ServiceName: `shop-dev-${c}` });
    expect(find(r, 'CPUUtilization', svc('blue')).map((d) => d.point.sum)).toEqual([80]);
    expect(find(r, 'MemoryUtilization', svc('blue')).map((d) => d.point.sum)).toEqual([60]);
    expect(find(r, 'CPUUtilization', svc('green'))).toEqual([]);
    expect(find(r, 'DesiredTaskCount', svc('green')).map((d) => d.point.sum)).toEqual([1]);
    expect(find(r, 'RunningTaskCount', svc('green')).map((d) => d.point.sum)).toEqual([0]);
  });

  it('accumulates fractional task exits: 0.3 a minute stops exactly 3 tasks in 10 minutes', () => {
    const m = model();
    const perMinute = Array.from({ length: 10 }, (_, i) => sumOf(m.minute(view(i, { behaviour: { green: { taskExitsPerMinute: 0.3 } } })), 'TaskExits', EXITS.green.dimensions));
    expect(perMinute.reduce((a, b) => a + b, 0)).toBe(3);
    expect(perMinute.every((n) => n === 0 || n === 1)).toBe(true);
    expect(perMinute[0]).toBe(0);
  });

  it('publishes whole task exits per minute in the color\'s own metric, and none without a task-exit metric', () => {
    const m = model();
    const r = m.minute(view(0, { behaviour: { blue: { taskExitsPerMinute: 2 } } }));
    expect(find(r, 'TaskExits').map((d) => [d.id.dimensions.Group, d.point.sum])).toEqual([['service:shop-dev-blue', 2]]);
    const { taskExits: _omit, ...withoutExits } = publication;
    const none = model({ publication: withoutExits }).minute(view(0, { behaviour: { blue: { taskExitsPerMinute: 2 } } }));
    expect(find(none, 'TaskExits')).toEqual([]);
  });

  const perColorMetric: PublishedMetric = { namespace: 'Shop/Checkout', metricName: 'FailureRate', dimensions: { Color: '{color}' }, value: 0.5 };

  it('publishes a color\'s {color} metrics under its name, only in minutes it serves requests', () => {
    const r = model().minute(view(0, { weights: { blue: 100, green: 0 }, behaviour: { blue: { metrics: [perColorMetric] }, green: { metrics: [{ ...perColorMetric, value: 9 }] } } }));
    expect(find(r, 'FailureRate').map((d) => [d.id.namespace, d.id.dimensions, d.point.sum])).toEqual([['Shop/Checkout', { Color: 'blue' }, 0.5]]);
  });

  it('publishes shared metrics once a minute, whatever the colors do', () => {
    const depth: PublishedMetric = { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders' }, value: 12 };
    const m = model({ requestsPerMinute: 0 });
    for (let i = 0; i < 3; i++) {
      const r = m.minute(view(i, { weights: { blue: 50, green: 50 }, sharedMetrics: [depth] }));
      expect(find(r, depth.metricName).map((d) => [d.id.dimensions, d.point.sum])).toEqual([[{ QueueName: 'orders' }, 12]]);
    }
  });

  it('grows a perMinuteIncrease metric by that much each minute, from its value', () => {
    const growing: PublishedMetric = { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders' }, value: 10, perMinuteIncrease: 5 };
    const m = model();
    const values = [0, 1, 2, 3].map((i) => sumOf(m.minute(view(i, { sharedMetrics: [growing] })), growing.metricName));
    expect(values).toEqual([10, 15, 20, 25]);
    // Without a value it grows from 0.
    const m2 = model();
    const fromZero = [0, 1, 2].map((i) => sumOf(m2.minute(view(i, { sharedMetrics: [{ ...growing, value: undefined }] })), growing.metricName));
    expect(fromZero).toEqual([0, 5, 10]);
  });
});

describe('TrafficModel.minute: stickiness', () => {
  const day = { enabled: true, durationSeconds: 86_400 };

  it('sticky clients stay on their color while group stickiness is on, free clients follow the weights', () => {
    const m = model({ stickyClientsPercent: 40 });
    m.minute(view(0, { weights: { blue: 100, green: 0 }, stickiness: day }));
    const shifted = m.minute(view(1, { weights: { blue: 0, green: 100 }, stickiness: day }));
    // 40% of clients hold a blue cookie (a sliver of them expires each minute).
    expect(shifted.perColor.blue.requests).toBe(400);
    expect(shifted.perColor.green.requests).toBe(600);
  });

  it('with every client sticky, a weight change moves (almost) nobody while stickiness is on', () => {
    const m = model({ stickyClientsPercent: 100 });
    m.minute(view(0, { weights: { blue: 100, green: 0 }, stickiness: day }));
    const r = m.minute(view(1, { weights: { blue: 0, green: 100 }, stickiness: day }));
    expect(r.perColor.blue.requests).toBe(999);
    expect(r.perColor.green.requests).toBe(1);
  });

  it('sticky clients follow the weights once stickiness is off', () => {
    const m = model({ stickyClientsPercent: 100 });
    m.minute(view(0, { weights: { blue: 100, green: 0 }, stickiness: day }));
    const r = m.minute(view(1, { weights: { blue: 0, green: 100 }, stickiness: { enabled: false, durationSeconds: 86_400 } }));
    expect(r.perColor.blue.requests).toBe(0);
    expect(r.perColor.green.requests).toBe(1000);
  });

  it('cookies expire over their duration: with a one-minute duration every client is placed by the weights again', () => {
    const m = model({ stickyClientsPercent: 100 });
    m.minute(view(0, { weights: { blue: 100, green: 0 }, stickiness: { enabled: true, durationSeconds: 60 } }));
    const r = m.minute(view(1, { weights: { blue: 0, green: 100 }, stickiness: { enabled: true, durationSeconds: 60 } }));
    expect(r.perColor.green.requests).toBe(1000);
  });
});

describe('dataSourceCheck', () => {
  const check = dataSourceCheck(publication);
  const elb = (metricName: string, dimensions: Record<string, string>): MetricId => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions });
  const ecs = (namespace: string, metricName: string, service = 'shop-dev-blue'): MetricId => ({ namespace, metricName, dimensions: { ClusterName: 'shop-dev', ServiceName: service } });

  it.each([
    elb('RequestCount', tg('blue')),
    elb('HTTPCode_Target_5XX_Count', tg('green')),
    elb('TargetConnectionErrorCount', tg('green')),
    elb('TargetResponseTime', tg('blue')),
    elb('HealthyHostCount', tg('blue')),
    elb('UnHealthyHostCount', tg('green')),
    elb('RequestCount', { LoadBalancer: LB }),
    elb('HTTPCode_ELB_5XX_Count', { LoadBalancer: LB }),
    elb('HTTPCode_ELB_502_Count', { LoadBalancer: LB }),
    ecs('AWS/ECS', 'CPUUtilization'),
    ecs('AWS/ECS', 'MemoryUtilization', 'shop-dev-green'),
    ecs('ECS/ContainerInsights', 'DesiredTaskCount'),
    ecs('ECS/ContainerInsights', 'RunningTaskCount', 'shop-dev-green'),
  ])('accepts %j', (m) => {
    expect(check(m)).toBeUndefined();
  });

  it('accepts everything the model publishes', () => {
    const m = model();
    const r = m.minute(view(0, { weights: { blue: 50, green: 50 }, behaviour: { blue: { errorRatePercent: 50, loadBalancer5xxPercent: 50 }, green: { errorRatePercent: 50, loadBalancer5xxPercent: 50 } } }));
    const aws = r.datapoints.filter((d) => d.id.namespace.startsWith('AWS/') || d.id.namespace.startsWith('ECS/'));
    expect(aws.length).toBeGreaterThan(15);
    for (const d of aws) expect(check(d.id)).toBeUndefined();
  });

  it('refuses a dimension set the namespace does not publish', () => {
    expect(check(elb('RequestCount', { LoadBalancer: LB, AvailabilityZone: 'eu-west-1a' }))).toMatch(/has dimensions AvailabilityZone, LoadBalancer; AWS\/ApplicationELB publishes its metrics with LoadBalancer\+TargetGroup or LoadBalancer/);
    expect(check(elb('TargetResponseTime', { TargetGroup: TG.blue }))).toMatch(/has dimensions TargetGroup;/);
    expect(check({ namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: {} })).toMatch(/has dimensions \(none\)/);
  });

  it('refuses a metric name that is not published with those dimensions', () => {
    expect(check(elb('HTTPCode_Target_4XX_Count', tg('blue')))).toMatch(/is not published by AWS\/ApplicationELB with LoadBalancer\+TargetGroup .*it publishes RequestCount/);
    // The load balancer's own 5xx have no target-group form.
    expect(check(elb('HTTPCode_ELB_5XX_Count', tg('blue')))).toMatch(/is not published by AWS\/ApplicationELB/);
    expect(check(ecs('AWS/ECS', 'RunningTaskCount'))).toMatch(/is not published by AWS\/ECS/);
  });

  it('refuses a resource name none of the environment\'s resources has, naming it', () => {
    expect(check(elb('RequestCount', { TargetGroup: 'targetgroup/other/999', LoadBalancer: LB }))).toMatch(/names TargetGroup=targetgroup\/other\/999, which is none of this environment's resources \(targetgroup\/shop-dev-blue\/123, targetgroup\/shop-dev-green\/456\)/);
    expect(check(elb('RequestCount', { LoadBalancer: 'app/elsewhere/1' }))).toMatch(/names LoadBalancer=app\/elsewhere\/1/);
    expect(check(ecs('AWS/ECS', 'CPUUtilization', 'shop-dev-purple'))).toMatch(/names ServiceName=shop-dev-purple/);
  });

  it('ignores custom namespaces: a drill publishes those', () => {
    expect(check({ namespace: 'Shop/Checkout', metricName: 'Anything', dimensions: { Whatever: 'x' } })).toBeUndefined();
    expect(check(EXITS.blue)).toBeUndefined();
  });
});
