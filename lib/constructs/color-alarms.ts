import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Color } from '../../lambda/shared/colors';
import { ExtraAlarmConfig } from '../config/schema';
import { levelAlarms, Levels } from './level-alarms';

/** Properties of {@link ColorAlarms}. */
export interface ColorAlarmsProps {
  /** Which color these alarms watch. */
  readonly color: Color;
  /** `service-environment`, the start of every alarm name. */
  readonly namePrefix: string;
  /** The color's target group (attached to the load balancer). */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** ECS cluster name, for Container Insights task counts. */
  readonly clusterName: string;
  /** ECS service name of the color. */
  readonly serviceName: string;
  /** 5xx responses as a percent of requests. */
  readonly errorRatePercent: Levels;
  /** p95 target response time in seconds. */
  readonly p95LatencySeconds: Levels;
  /**
   * Requests a minute below which the error rate reads 0, so a thin canary share cannot flap.
   * @default 20
   */
  readonly minRequestsForErrorRate?: number;
  /**
   * One-minute periods a level must be crossed before the alarm fires.
   * @default 2
   */
  readonly evaluationPeriods?: number;
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
  /** Topic the rollback alarm pages. */
  readonly criticalTopic: sns.ITopic;
  /** Topic warning levels notify. */
  readonly warningTopic: sns.ITopic;
}

/**
 * One color's alarms: error rate, p95 latency, unhealthy hosts and healthy
 * hosts below desired, each with a warning and a critical level, and a
 * composite rollback alarm over the critical ones that the control plane acts on.
 */
export class ColorAlarms extends Construct {
  /** Composite alarm over every critical signal of this color; its ALARM state means roll back. */
  public readonly rollbackAlarm: cloudwatch.CompositeAlarm;
  /** Critical alarms feeding the rollback alarm (including extra and shared ones). */
  public readonly criticalAlarms: cloudwatch.IAlarm[];
  /** Warning-level alarms. */
  public readonly warningAlarms: cloudwatch.IAlarm[];
  /** Error-rate expression, reused by the dashboard. */
  public readonly errorRate: cloudwatch.MathExpression;
  /** p95 latency metric, reused by the dashboard. */
  public readonly p95Latency: cloudwatch.IMetric;
  /** Requests per minute, reused by the dashboard. */
  public readonly requests: cloudwatch.IMetric;
  /** Healthy host count, reused by the dashboard. */
  public readonly healthyHosts: cloudwatch.IMetric;

  constructor(scope: Construct, id: string, props: ColorAlarmsProps) {
    super(scope, id);
    const { color, targetGroup } = props;
    const name = (what: string) => `${props.namePrefix}-${color}-${what}`;
    const periods = props.evaluationPeriods ?? 2;
    const minute = Duration.minutes(1);
    const minRequests = props.minRequestsForErrorRate ?? 20;

    this.requests = targetGroup.metrics.requestCount({ period: minute, statistic: 'Sum' });
    const errors = targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: minute, statistic: 'Sum' });
    this.errorRate = new cloudwatch.MathExpression({
      label: `${color} 5xx %`,
      // Ids carry the color so the dashboard can graph both colors' expressions together.
      expression: `IF(requests_${color} >= ${minRequests}, 100 * FILL(errors_${color}, 0) / requests_${color}, 0)`,
      usingMetrics: { [`requests_${color}`]: this.requests, [`errors_${color}`]: errors },
      period: minute,
    });
    this.p95Latency = targetGroup.metrics.targetResponseTime({ period: minute, statistic: 'p95' });
    this.healthyHosts = targetGroup.metrics.healthyHostCount({ period: minute, statistic: 'Minimum' });
    const unhealthy = targetGroup.metrics.unhealthyHostCount({ period: minute, statistic: 'Maximum' });
    const desired = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'DesiredTaskCount',
      dimensionsMap: { ClusterName: props.clusterName, ServiceName: props.serviceName },
      period: minute,
      statistic: 'Maximum',
    });
    const shortfall = new cloudwatch.MathExpression({
      label: `${color} healthy hosts below desired`,
      expression: `FILL(desired_${color}, 0) - FILL(healthy_${color}, 0)`,
      usingMetrics: { [`desired_${color}`]: desired, [`healthy_${color}`]: this.healthyHosts },
      period: minute,
    });

    const critical: cloudwatch.IAlarm[] = [];
    const warning: cloudwatch.IAlarm[] = [];
    const pair = (id: string, what: string, metric: cloudwatch.IMetric, levels: Levels, description: string) => {
      const alarms = levelAlarms(this, {
        id,
        name: name(what),
        metric,
        levels,
        // No requests means nothing failed and nothing was slow. Low traffic is
        // not taken as a pass: the cutover gates each step on a request count.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description,
        evaluationPeriods: periods,
      });
      alarms.warning.addAlarmAction(new actions.SnsAction(props.warningTopic));
      warning.push(alarms.warning);
      critical.push(alarms.critical);
    };
    pair('ErrorRate', 'error-rate', this.errorRate, props.errorRatePercent, `${color}: 5xx responses in percent of requests`);
    pair('P95Latency', 'p95-latency', this.p95Latency, props.p95LatencySeconds, `${color}: p95 target response time in seconds`);

    critical.push(
      new cloudwatch.Alarm(this, 'UnhealthyHosts', {
        alarmName: name('unhealthy-hosts'),
        alarmDescription: `${color}: a registered target fails its health check`,
        metric: unhealthy,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        // The ALB reports 0 while targets are registered; a gap means no targets, so none is unhealthy.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'HealthyBelowDesired', {
        alarmName: name('healthy-below-desired'),
        alarmDescription: `${color}: fewer healthy targets than desired tasks`,
        metric: shortfall,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // A new task needs a few health checks to count; three minutes keeps deploys quiet.
        evaluationPeriods: Math.max(periods, 3),
        datapointsToAlarm: Math.max(periods, 3),
        // Both series are FILLed, so a gap only occurs when neither is reported (the service is
        // gone); the cutover's own gates read target health directly and never rely on this.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const cfg of props.extra ?? []) {
      critical.push(extraAlarm(this, cfg, `${props.namePrefix}-${color}`, color));
    }
    critical.push(...(props.sharedAlarms ?? []));

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
 * A CloudWatch alarm from an `alarms.extra` entry. With `color`, every `{color}`
 * in a dimension value becomes that color.
 */
export function extraAlarm(scope: Construct, cfg: ExtraAlarmConfig, namePrefix: string, color?: Color): cloudwatch.Alarm {
  const dimensions: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.dimensions)) {
    dimensions[k] = color ? v.split('{color}').join(color) : v;
  }
  return new cloudwatch.Alarm(scope, `Extra${cfg.name}`, {
    alarmName: `${namePrefix}-${kebab(cfg.name)}`,
    alarmDescription: cfg.description ?? `${cfg.namespace} ${cfg.metricName} ${cfg.comparison} ${cfg.threshold}`,
    metric: new cloudwatch.Metric({
      namespace: cfg.namespace,
      metricName: cfg.metricName,
      dimensionsMap: dimensions,
      statistic: cfg.statistic,
      period: Duration.seconds(cfg.periodSeconds),
    }),
    threshold: cfg.threshold,
    comparisonOperator: cfg.comparison as cloudwatch.ComparisonOperator,
    evaluationPeriods: cfg.evaluationPeriods,
    datapointsToAlarm: cfg.datapointsToAlarm,
    treatMissingData: cfg.treatMissingData as cloudwatch.TreatMissingData,
  });
}

/** True when an extra alarm's dimensions name `{color}`, making it one alarm per color. */
export function isPerColor(cfg: ExtraAlarmConfig): boolean {
  return Object.values(cfg.dimensions).some((v) => v.includes('{color}'));
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
