import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { Color, COLORS } from '../../lambda/shared/colors';
import { ColorAlarms } from './color-alarms';
import { ServiceAlarms } from './service-alarms';

/** Properties of {@link CutoverDashboard}. */
export interface CutoverDashboardProps {
  /** Dashboard name. */
  readonly dashboardName: string;
  /** Each color's alarms and the metrics behind them. */
  readonly colors: Readonly<Record<Color, ColorAlarms>>;
  /** Service-wide metrics and alarms. */
  readonly service: ServiceAlarms;
  /**
   * WAF web ACL metric name (namespace AWS/WAFV2), to chart allowed, counted and blocked requests.
   * @default - no WAF widget
   */
  readonly waf?: { readonly webAclName: string; readonly region: string };
}

/**
 * What an operator watches during a cutover: request rate, error rate and p95
 * latency per color, each color's share of traffic, healthy hosts and
 * health-check failures, crashed tasks, CPU and memory, alarm status, each
 * color against the other (the comparison alarm's statistic and threshold),
 * and the database and cache when configured.
 */
export class CutoverDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: CutoverDashboardProps) {
    super(scope, id);
    const perColor = (pick: (a: ColorAlarms) => cloudwatch.IMetric, label: string) =>
      COLORS.map((c) => withLabel(pick(props.colors[c]), `${c} ${label}`, c));

    const d = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    d.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Request rate (per minute)', left: [props.service.requests, ...perColor((a) => a.requests, 'requests')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Error rate (5xx %)', left: perColor((a) => a.errorRate, '5xx %'), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'p95 latency (s)', left: perColor((a) => a.p95Latency, 'p95'), width: 8 }),
    );
    d.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Traffic per color', left: perColor((a) => a.requests, 'requests'), stacked: true, width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Healthy hosts per color', left: perColor((a) => a.healthyHosts, 'healthy'), width: 8 }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarm status',
        alarms: [...COLORS.map((c) => props.colors[c].rollbackAlarm), ...COLORS.flatMap((c) => props.colors[c].warningAlarms), ...props.service.alarms],
        width: 8,
        height: 6,
      }),
    );
    const crashes = COLORS.filter((c) => props.colors[c].taskExits !== undefined).map((c) => withLabel(props.colors[c].taskExits!, `${c} crashed tasks`, c));
    d.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Health-check failures (% of targets)', left: perColor((a) => a.healthCheckFailurePercent, 'unhealthy %'), width: 6 }),
      crashes.length > 0
        ? new cloudwatch.GraphWidget({ title: 'Crashed tasks (per minute)', left: crashes, width: 6 })
        : new cloudwatch.TextWidget({ markdown: '**Crashed tasks**: the crash-loop alarm is off (`alarms.crashLoop.enabled`).', width: 6, height: 6 }),
      new cloudwatch.GraphWidget({ title: 'CPU utilization (%)', left: perColor((a) => a.cpuUtilization, 'CPU %'), leftYAxis: { min: 0, max: 100 }, width: 6 }),
      new cloudwatch.GraphWidget({ title: 'Memory utilization (%)', left: perColor((a) => a.memoryUtilization, 'memory %'), leftYAxis: { min: 0, max: 100 }, width: 6 }),
    );
    const compared = COLORS.filter((c) => props.colors[c].comparison !== undefined);
    if (compared.length > 0) {
      const threshold = props.colors[compared[0]].comparison!.threshold;
      d.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Each color against the other (z of failed requests beyond the judge\'s margin)',
          left: compared.map((c) => withLabel(props.colors[c].comparison!.statistic, props.colors[c].comparison!.statistic.label ?? c, c)),
          leftAnnotations: [{ value: threshold, label: `rolls that color back above ${threshold}`, color: '#d62728' }],
          width: 16,
        }),
        new cloudwatch.TextWidget({
          markdown:
            '**Worse than the other color**: each line is a one-sided z of that color\'s failed-request share minus the other\'s minus the judge\'s margin, ' +
            'over a rolling window. It reads 0 until both colors served the judge\'s minimum of requests in the window, so it moves only during a ramp. ' +
            'Above the line, the color\'s rollback alarm fires.',
          width: 8,
          height: 6,
        }),
      );
    } else {
      d.addWidgets(new cloudwatch.TextWidget({ markdown: '**Worse than the other color**: the comparison alarm is off (`judge.comparisonAlarm.enabled`); only the step checks compare the colors.', width: 24, height: 2 }));
    }
    const capacity: cloudwatch.IWidget[] = [];
    capacity.push(
      props.service.databaseConnections
        ? new cloudwatch.GraphWidget({ title: 'Database connections (%)', left: [props.service.databaseConnections], width: 8 })
        : new cloudwatch.TextWidget({ markdown: '**Database connections**: no database configured (`database` in the environment file).', width: 8, height: 6 }),
    );
    capacity.push(
      props.service.cacheMemory
        ? new cloudwatch.GraphWidget({ title: 'Cache memory (%)', left: [props.service.cacheMemory], width: 8 })
        : new cloudwatch.TextWidget({ markdown: '**Cache memory**: no cache configured (`cache` in the environment file).', width: 8, height: 6 }),
    );
    if (props.waf) {
      const waf = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/WAFV2',
          metricName,
          dimensionsMap: { WebACL: props.waf!.webAclName, Region: props.waf!.region, Rule: 'ALL' },
          statistic: 'Sum',
          period: Duration.minutes(1),
        });
      capacity.push(new cloudwatch.GraphWidget({ title: 'WAF requests', left: [waf('AllowedRequests'), waf('CountedRequests'), waf('BlockedRequests')], width: 8 }));
    }
    d.addWidgets(...capacity);
    this.dashboard = d;
  }
}

const COLOR_HEX: Record<Color, string> = { blue: '#1f77b4', green: '#2ca02c' };

function withLabel(metric: cloudwatch.IMetric, label: string, color: Color): cloudwatch.IMetric {
  if (metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression) {
    return metric.with({ label, color: COLOR_HEX[color] });
  }
  return metric;
}
