import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Color, COLORS } from '../../lambda/shared/colors';
import { AlarmsConfig, ExtraAlarmConfig, ExtraMetricConfig } from '../config/schema';
import { AlarmEvaluation, LevelAlarmPair, levelAlarms } from './level-alarms';

/** Settings of the built-in per-color signals: `alarms` of the environment file, defaults applied. */
export type ColorSignalSettings = Pick<
  AlarmsConfig,
  'errorRate' | 'p95Latency' | 'unhealthyTargets' | 'healthCheckFailures' | 'healthyBelowDesired' | 'crashLoop' | 'cpu' | 'memory'
>;

/** Properties of {@link ColorAlarms}. */
export interface ColorAlarmsProps {
  /** Which color these alarms watch. */
  readonly color: Color;
  /** `service-environment`, the start of every alarm name. */
  readonly namePrefix: string;
  /** The color's target group (attached to the load balancer). */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** ECS cluster name, for the service's CPU, memory and Container Insights task counts. */
  readonly clusterName: string;
  /** ECS service name of the color. */
  readonly serviceName: string;
  /** Levels, periods and switches of each built-in signal. */
  readonly signals: ColorSignalSettings;
  /**
   * This color's crashed tasks (from `TaskExitMetrics`); required while `signals.crashLoop.enabled`.
   * @default - none, which is an error unless the crash-loop alarm is disabled
   */
  readonly taskExits?: cloudwatch.Metric;
  /**
   * Extra rollback alarms whose dimensions name `{color}`; one alarm per color.
   * @default - none
   */
  readonly extra?: ExtraAlarmConfig[];
  /**
   * Alarms shared by both colors that also feed this color's rollback alarm.
   * @default - none
   */
  readonly sharedAlarms?: cloudwatch.IAlarm[];
  /**
   * The judge's comparison as an alarm: this color against the other one.
   * @default - none (`judge.comparisonAlarm.enabled` is false)
   */
  readonly comparison?: ComparisonAlarmSettings;
  /** Topic the rollback alarm pages. */
  readonly criticalTopic: sns.ITopic;
  /** Topic warning levels notify. */
  readonly warningTopic: sns.ITopic;
}

/** The comparison alarm of one color: `judge.comparisonAlarm` with the judge's margin and minimum. */
export interface ComparisonAlarmSettings {
  /** The color compared against. */
  readonly other: Color;
  /** That color's target group (on the same load balancer). */
  readonly otherTargetGroup: elbv2.IApplicationTargetGroup;
  /** The rolling window: one period, which CloudWatch re-evaluates every minute. */
  readonly windowMinutes: number;
  /** The alarm fires above this z. */
  readonly zScore: number;
  /** Both colors must serve at least this many requests in the window; below, the statistic reads 0. */
  readonly minRequestsPerColor: number;
  /** Only a difference beyond this many percentage points counts (`judge.errorMarginPercentPoints`). */
  readonly errorMarginPercentPoints: number;
}

/**
 * The comparison statistic of `color` against `other` in metric math: a
 * one-sided two-proportion z of the failed-request proportions minus the
 * margin, over the pooled standard error,
 *
 *   z = (fc / nc - fo / no - margin) / sqrt(p (1 - p) (1 / nc + 1 / no)),  p = (fc + fo) / (nc + no),
 *
 * where n is a color's requests and f its failed requests (target 5xx and
 * failed connections, as the error rate counts them) in the window. It reads
 * 0 unless both colors served `minRequests` and the pooled proportion is
 * strictly between 0 and 1 (no failures at all, or nothing but failures,
 * leave nothing to compare and would divide by zero).
 *
 * Three expressions besides the returned one, so the console shows each step:
 * `failed_<color>` per color and `pooled` (written alike for both colors'
 * alarms, so a graph can hold both). Only the failure counts are FILLed (the
 * load balancer publishes them only when nonzero); the requests are not: a
 * color without requests has no datapoint, and the guard reads 0 then. Uses
 * only IF, FILL, arithmetic, `^ 0.5` (metric math has no square root),
 * comparisons and AND, every operand parenthesized (CloudWatch documents no
 * operator precedence). Pure.
 */
export function comparisonExpressions(color: Color, other: Color, minRequests: number, marginPercentPoints: number): { failed: Record<Color, string>; pooled: string; z: string } {
  const [first, second] = [...COLORS];
  const failed = Object.fromEntries(COLORS.map((c) => [c, `FILL(target5xx_${c}, 0) + FILL(connErrors_${c}, 0)`])) as Record<Color, string>;
  const pooled = `(failed_${first} + failed_${second}) / (requests_${first} + requests_${second})`;
  const margin = Number((marginPercentPoints / 100).toFixed(8));
  const [nc, no] = [`requests_${color}`, `requests_${other}`];
  const guard = `(${nc} >= ${minRequests}) AND (${no} >= ${minRequests}) AND (pooled > 0) AND (pooled < 1)`;
  const z = `IF(${guard}, (failed_${color} / ${nc} - failed_${other} / ${no} - ${margin}) / ((pooled * (1 - pooled) * (1 / ${nc} + 1 / ${no})) ^ 0.5), 0)`;
  return { failed, pooled, z };
}

/**
 * One color's alarms, and a composite rollback alarm over the critical ones
 * that the control plane acts on: error rate and p95 latency (each with a
 * warning level), unhealthy targets, health-check failures in percent of
 * targets, healthy targets below desired, crash loop, CPU, memory, this color
 * worse than the other (the judge's comparison, during a ramp), and the
 * color's extra alarms.
 */
export class ColorAlarms extends Construct {
  /** Composite alarm over every critical signal of this color; its ALARM state means roll back. */
  public readonly rollbackAlarm: cloudwatch.CompositeAlarm;
  /** Critical alarms feeding the rollback alarm, in rule order (including extra and shared ones). */
  public readonly criticalAlarms: cloudwatch.IAlarm[];
  /** Warning-level alarms. */
  public readonly warningAlarms: cloudwatch.IAlarm[];
  /** 5xx error rate: warning and critical. */
  public readonly errorRateAlarms: LevelAlarmPair;
  /** p95 latency: warning and critical. */
  public readonly p95LatencyAlarms: LevelAlarmPair;
  /** Any target failing its health check. */
  public readonly unhealthyHostsAlarm: cloudwatch.Alarm;
  /** Fewer healthy targets than desired tasks. */
  public readonly healthyBelowDesiredAlarm: cloudwatch.Alarm;
  /** Unhealthy targets above a share of all targets; undefined when disabled. */
  public readonly healthCheckFailuresAlarm?: cloudwatch.Alarm;
  /** More crashed tasks in the window than allowed; undefined when disabled. */
  public readonly crashLoopAlarm?: cloudwatch.Alarm;
  /** Service CPU at its limit; undefined when disabled. */
  public readonly cpuAlarm?: cloudwatch.Alarm;
  /** Service memory near its limit; undefined when disabled. */
  public readonly memoryAlarm?: cloudwatch.Alarm;
  /** This color's own extra alarms (those naming `{color}`). */
  public readonly extraAlarms: cloudwatch.Alarm[];
  /** Error-rate expression, reused by the dashboard. */
  public readonly errorRate: cloudwatch.MathExpression;
  /** p95 latency metric, reused by the dashboard. */
  public readonly p95Latency: cloudwatch.IMetric;
  /** Requests per minute, reused by the dashboard. */
  public readonly requests: cloudwatch.IMetric;
  /** Healthy host count per minute, reused by the dashboard. */
  public readonly healthyHosts: cloudwatch.IMetric;
  /** Unhealthy targets in percent of registered targets, reused by the dashboard. */
  public readonly healthCheckFailurePercent: cloudwatch.MathExpression;
  /** Average CPU utilization of the color's tasks, reused by the dashboard. */
  public readonly cpuUtilization: cloudwatch.Metric;
  /** Average memory utilization of the color's tasks, reused by the dashboard. */
  public readonly memoryUtilization: cloudwatch.Metric;
  /** Crashed tasks a minute, when the crash-loop alarm has its metric. */
  public readonly taskExits?: cloudwatch.Metric;
  /**
   * This color worse than the other: the statistic (reused by the dashboard),
   * its alarm and threshold; undefined when `judge.comparisonAlarm` is off.
   */
  public readonly comparison?: { readonly statistic: cloudwatch.MathExpression; readonly alarm: cloudwatch.Alarm; readonly threshold: number };

  constructor(scope: Construct, id: string, props: ColorAlarmsProps) {
    super(scope, id);
    const { color, targetGroup, signals: s } = props;
    const name = (what: string) => `${props.namePrefix}-${color}-${what}`;
    const seconds = (n: number) => Duration.seconds(n);
    const minute = Duration.minutes(1);

    // Error rate. HTTPCode_ELB_5XX_Count carries only the LoadBalancer (and AZ)
    // dimensions, so the load balancer's own 5xx cannot be split by color. What
    // can be: the target's 5xx and the load balancer's failed connections to the
    // color's targets (each becomes a 502/503 for the client), both per target group.
    const errorPeriod = seconds(s.errorRate.periodSeconds);
    this.requests = targetGroup.metrics.requestCount({ period: minute, statistic: 'Sum' });
    const requests = targetGroup.metrics.requestCount({ period: errorPeriod, statistic: 'Sum' });
    const target5xx = targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: errorPeriod, statistic: 'Sum' });
    const connErrors = targetGroup.metrics.targetConnectionErrorCount({ period: errorPeriod, statistic: 'Sum' });
    // Ids carry the color so the dashboard can graph both colors' expressions together.
    const [req, t5xx, conn] = [`requests_${color}`, `target5xx_${color}`, `connErrors_${color}`];
    this.errorRate = new cloudwatch.MathExpression({
      label: `${color} 5xx %`,
      expression: `IF(${req} >= ${s.errorRate.minRequests}, 100 * (FILL(${t5xx}, 0) + FILL(${conn}, 0)) / ${req}, 0)`,
      usingMetrics: { [req]: requests, [t5xx]: target5xx, [conn]: connErrors },
      period: errorPeriod,
    });
    this.p95Latency = targetGroup.metrics.targetResponseTime({ period: seconds(s.p95Latency.periodSeconds), statistic: 'p95' });
    this.healthyHosts = targetGroup.metrics.healthyHostCount({ period: minute, statistic: 'Minimum' });
    const healthy = (period: Duration) => targetGroup.metrics.healthyHostCount({ period, statistic: 'Minimum' });
    const unhealthy = (period: Duration) => targetGroup.metrics.unhealthyHostCount({ period, statistic: 'Maximum' });
    const failurePeriod = seconds(s.healthCheckFailures.periodSeconds);
    const [h, u] = [`healthy_${color}`, `unhealthy_${color}`];
    this.healthCheckFailurePercent = new cloudwatch.MathExpression({
      label: `${color} unhealthy targets %`,
      // No FILL: it would turn the newest minute, not yet reported, into a real 0 that a
      // 1-period alarm judges before the breach arrives (the rehearsal's drill caught it).
      // Metric math counts a side missing as 0 when the other reports; no targets: no datapoint.
      expression: `100 * ${u} / (${h} + ${u})`,
      usingMetrics: { [h]: healthy(failurePeriod), [u]: unhealthy(failurePeriod) },
      period: failurePeriod,
    });
    const ecsService = (metricName: string, periodSeconds: number) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ECS',
        metricName,
        dimensionsMap: { ClusterName: props.clusterName, ServiceName: props.serviceName },
        statistic: 'Average',
        period: seconds(periodSeconds),
      });
    this.cpuUtilization = ecsService('CPUUtilization', s.cpu.periodSeconds);
    this.memoryUtilization = ecsService('MemoryUtilization', s.memory.periodSeconds);

    const critical: cloudwatch.IAlarm[] = [];
    const warning: cloudwatch.IAlarm[] = [];
    const pair = (id: string, what: string, metric: cloudwatch.IMetric, settings: { warning: number; critical: number } & AlarmEvaluation, description: string) => {
      const alarms = levelAlarms(this, {
        id,
        name: name(what),
        metric,
        levels: settings,
        // No requests means nothing failed and nothing was slow. Low traffic is
        // not taken as a pass: the cutover gates each step on a request count.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description,
        evaluation: settings,
      });
      alarms.warning.addAlarmAction(new actions.SnsAction(props.warningTopic));
      warning.push(alarms.warning);
      critical.push(alarms.critical);
      return alarms;
    };
    const alarm = (alarmId: string, what: string, o: Omit<cloudwatch.AlarmProps, 'alarmName' | 'evaluationPeriods' | 'datapointsToAlarm'>, evaluation: AlarmEvaluation) => {
      const a = new cloudwatch.Alarm(this, alarmId, { alarmName: name(what), ...o, ...evaluation });
      critical.push(a);
      return a;
    };

    this.errorRateAlarms = pair('ErrorRate', 'error-rate', this.errorRate, s.errorRate, `${color}: 5xx responses (the targets' and failed connections to them) in percent of requests`);
    this.p95LatencyAlarms = pair('P95Latency', 'p95-latency', this.p95Latency, s.p95Latency, `${color}: p95 target response time in seconds`);

    this.unhealthyHostsAlarm = alarm('UnhealthyHosts', 'unhealthy-hosts', {
      alarmDescription: `${color}: a registered target fails its health check`,
      metric: unhealthy(seconds(s.unhealthyTargets.periodSeconds)),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The ALB reports 0 while targets are registered; a gap means no targets, so none is unhealthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }, s.unhealthyTargets);

    const belowPeriod = seconds(s.healthyBelowDesired.periodSeconds);
    const desired = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'DesiredTaskCount',
      dimensionsMap: { ClusterName: props.clusterName, ServiceName: props.serviceName },
      period: belowPeriod,
      statistic: 'Maximum',
    });
    this.healthyBelowDesiredAlarm = alarm('HealthyBelowDesired', 'healthy-below-desired', {
      alarmDescription: `${color}: fewer healthy targets than desired tasks`,
      metric: new cloudwatch.MathExpression({
        label: `${color} healthy hosts below desired`,
        // Not FILLed: a filled 0 for the newest, unreported minute would keep 3 of 3 from ever breaching.
        // A minute with desired tasks and no healthy count reads desired - 0 (missing counts as 0 beside a value).
        expression: `desired_${color} - ${h}`,
        usingMetrics: { [`desired_${color}`]: desired, [h]: healthy(belowPeriod) },
        period: belowPeriod,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // A gap is a minute neither metric reported yet (or the service is gone); the cutover's own
      // gates read target health directly and never rely on this.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }, s.healthyBelowDesired);

    if (s.healthCheckFailures.enabled) {
      this.healthCheckFailuresAlarm = alarm('HealthCheckFailures', 'health-check-failures', {
        alarmDescription: `${color}: unhealthy targets above ${s.healthCheckFailures.criticalPercent}% of registered targets`,
        metric: this.healthCheckFailurePercent,
        threshold: s.healthCheckFailures.criticalPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }, s.healthCheckFailures);
    }

    if (s.crashLoop.enabled) {
      if (!props.taskExits) {
        throw new Error(`ColorAlarms ${color}: alarms.crashLoop is enabled but no taskExits metric was given; pass TaskExitMetrics.metrics.${color}, or set alarms.crashLoop.enabled to false`);
      }
      this.taskExits = props.taskExits;
      this.crashLoopAlarm = alarm('CrashLoop', 'crash-loop', {
        alarmDescription: `${color}: more than ${s.crashLoop.maxExits} tasks crashed in ${s.crashLoop.windowMinutes} minutes`,
        // One period as long as the window: the default sliding evaluation window
        // advances every minute, so this is a rolling sum, not fixed buckets.
        metric: props.taskExits.with({ period: Duration.minutes(s.crashLoop.windowMinutes), statistic: 'Sum' }),
        threshold: s.crashLoop.maxExits,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // The filter publishes only when a task crashes; no data is no crash.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }, { evaluationPeriods: 1, datapointsToAlarm: 1 });
    }

    // ECS reports CPU and memory only while tasks run; no tasks is no pressure.
    if (s.cpu.enabled) {
      this.cpuAlarm = alarm('Cpu', 'cpu', {
        alarmDescription: `${color}: average CPU of the tasks at or above ${s.cpu.criticalPercent}% of their CPU`,
        metric: this.cpuUtilization,
        threshold: s.cpu.criticalPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }, s.cpu);
    }
    if (s.memory.enabled) {
      this.memoryAlarm = alarm('Memory', 'memory', {
        alarmDescription: `${color}: average memory of the tasks at or above ${s.memory.criticalPercent}% of their memory`,
        metric: this.memoryUtilization,
        threshold: s.memory.criticalPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }, s.memory);
    }

    if (props.comparison) {
      const c = props.comparison;
      const window = Duration.minutes(c.windowMinutes);
      const text = comparisonExpressions(color, c.other, c.minRequestsPerColor, c.errorMarginPercentPoints);
      const groups: Record<Color, elbv2.IApplicationTargetGroup> = { [color]: targetGroup, [c.other]: c.otherTargetGroup } as Record<Color, elbv2.IApplicationTargetGroup>;
      const requests = {} as Record<Color, cloudwatch.Metric>;
      const failed = {} as Record<Color, cloudwatch.MathExpression>;
      for (const k of COLORS) {
        const tg = groups[k];
        requests[k] = tg.metrics.requestCount({ period: window, statistic: 'Sum' });
        failed[k] = new cloudwatch.MathExpression({
          label: `${k} failed requests`,
          expression: text.failed[k],
          usingMetrics: {
            [`target5xx_${k}`]: tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: window, statistic: 'Sum' }),
            [`connErrors_${k}`]: tg.metrics.targetConnectionErrorCount({ period: window, statistic: 'Sum' }),
          },
          period: window,
        });
      }
      const pooled = new cloudwatch.MathExpression({
        label: 'failed share of both colors',
        expression: text.pooled,
        usingMetrics: Object.fromEntries(COLORS.flatMap((k) => [[`failed_${k}`, failed[k]], [`requests_${k}`, requests[k]]])),
        period: window,
      });
      const statistic = new cloudwatch.MathExpression({
        label: `${color} worse than ${c.other} (z)`,
        expression: text.z,
        usingMetrics: { ...Object.fromEntries(COLORS.flatMap((k) => [[`requests_${k}`, requests[k]], [`failed_${k}`, failed[k]]])), pooled },
        period: window,
      });
      const alarm = new cloudwatch.Alarm(this, 'WorseThanOther', {
        alarmName: name(`worse-than-${c.other}`),
        alarmDescription:
          `${color} fails more of its requests than ${c.other} (target 5xx and failed connections, summed over a rolling ${c.windowMinutes}-minute window): ` +
          `a one-sided two-proportion z of ${color}'s failed share minus ${c.other}'s minus the ${c.errorMarginPercentPoints}-point margin, over the pooled standard error, above ${c.zScore}. ` +
          `It reads 0 until both colors served at least ${c.minRequestsPerColor} requests in the window, so it fires only while both take traffic: during a ramp, not before the first shift nor after promotion.`,
        metric: statistic,
        threshold: c.zScore,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // The window already accumulates; each minute's evaluation is one rolling sum.
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No requests on either color: nothing to compare.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      critical.push(alarm);
      this.comparison = { statistic, alarm, threshold: c.zScore };
    }

    this.extraAlarms = (props.extra ?? []).map((cfg) => extraAlarm(this, cfg, `${props.namePrefix}-${color}`, color));
    critical.push(...this.extraAlarms, ...(props.sharedAlarms ?? []));

    this.rollbackAlarm = new cloudwatch.CompositeAlarm(this, 'Rollback', {
      compositeAlarmName: name('rollback'),
      alarmDescription: `Roll ${color} back: any critical signal of ${color} is in ALARM`,
      alarmRule: cloudwatch.AlarmRule.anyOf(...critical.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
    });
    this.rollbackAlarm.addAlarmAction(new actions.SnsAction(props.criticalTopic));
    this.criticalAlarms = critical;
    this.warningAlarms = warning;
  }
}

/**
 * A CloudWatch alarm from an `alarms.extra` entry: on one metric, or on a
 * metric-math expression over named metrics. With `color`, every `{color}` in
 * a dimension value becomes that color.
 */
export function extraAlarm(scope: Construct, cfg: ExtraAlarmConfig, namePrefix: string, color?: Color): cloudwatch.Alarm {
  const period = Duration.seconds(cfg.periodSeconds);
  const metric = (m: ExtraMetricConfig) =>
    new cloudwatch.Metric({
      namespace: m.namespace,
      metricName: m.metricName,
      dimensionsMap: Object.fromEntries(Object.entries(m.dimensions).map(([k, v]) => [k, color ? v.split('{color}').join(color) : v])),
      statistic: m.statistic,
      period,
    });
  const watched =
    cfg.kind === 'metric'
      ? metric(cfg.metric)
      : new cloudwatch.MathExpression({
          label: cfg.name,
          expression: cfg.expression,
          usingMetrics: Object.fromEntries(Object.entries(cfg.metrics).map(([id, m]) => [id, metric(m)])),
          period,
        });
  const what = cfg.kind === 'metric' ? `${cfg.metric.namespace} ${cfg.metric.metricName}` : cfg.expression;
  return new cloudwatch.Alarm(scope, `Extra${cfg.name}`, {
    alarmName: `${namePrefix}-${kebab(cfg.name)}`,
    alarmDescription: cfg.description ?? `${what} ${cfg.comparison} ${cfg.threshold}`,
    metric: watched,
    threshold: cfg.threshold,
    comparisonOperator: cfg.comparison as cloudwatch.ComparisonOperator,
    evaluationPeriods: cfg.evaluationPeriods,
    datapointsToAlarm: cfg.datapointsToAlarm,
    treatMissingData: cfg.treatMissingData as cloudwatch.TreatMissingData,
  });
}

/** True when any of an extra alarm's dimensions names `{color}`, making it one alarm per color. */
export function isPerColor(cfg: ExtraAlarmConfig): boolean {
  const metrics = cfg.kind === 'metric' ? [cfg.metric] : Object.values(cfg.metrics);
  return metrics.some((m) => Object.values(m.dimensions).some((v) => v.includes('{color}')));
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
