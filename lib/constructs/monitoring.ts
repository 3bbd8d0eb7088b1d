import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ResourceNames } from '../naming';
import { Color, COLORS, otherColor } from '../../lambda/shared/colors';
import { SwitchyardConfig } from '../config/schema';
import { ColorAlarms, extraAlarm, isPerColor } from './color-alarms';
import { ColorService } from './color-service';
import { CutoverDashboard } from './dashboard';
import { ServiceAlarms } from './service-alarms';
import { TaskExitMetrics } from './task-exit-metrics';

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /** `service-environment`, the start of every alarm name. */
  readonly namePrefix: string;
  /** Alarm levels and extra alarms from the environment file. */
  readonly alarms: SwitchyardConfig['alarms'];
  /** The judge: its margin, minimum and `comparisonAlarm` make each color's worse-than-the-other alarm. */
  readonly judge: SwitchyardConfig['judge'];
  /**
   * Database to watch.
   * @default - none
   */
  readonly database?: SwitchyardConfig['database'];
  /**
   * Cache to watch.
   * @default - none
   */
  readonly cache?: SwitchyardConfig['cache'];
  /** The load balancer. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The two colors. */
  readonly colors: Readonly<Record<Color, ColorService>>;
  /** ECS cluster name. */
  readonly clusterName: string;
  /**
   * Retention of the stopped-task log behind the crash-loop alarms.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /** Topic critical alarms page. */
  readonly criticalTopic: sns.ITopic;
  /** Topic warning alarms notify. */
  readonly warningTopic: sns.ITopic;
  /**
   * WAF web ACL to chart.
   * @default - no WAF widget
   */
  readonly waf?: { readonly webAclName: string; readonly region: string };
}

/** Every alarm of the service and the dashboard over them. */
export class Monitoring extends Construct {
  /** Alarms of each color, including its composite rollback alarm. */
  public readonly colors: Readonly<Record<Color, ColorAlarms>>;
  /** Service-wide capacity alarms. */
  public readonly service: ServiceAlarms;
  /** Extra alarms shared by both colors (their dimensions do not name a color). */
  public readonly sharedAlarms: cloudwatch.IAlarm[];
  /** Crashed tasks per color, when the crash-loop alarm is enabled. */
  public readonly taskExits?: TaskExitMetrics;
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const a = props.alarms;
    const shared = new Construct(this, 'Shared');
    this.sharedAlarms = a.extra.filter((e) => !isPerColor(e)).map((e) => extraAlarm(shared, e, props.namePrefix));
    const perColor = a.extra.filter(isPerColor);
    if (a.crashLoop.enabled) {
      this.taskExits = new TaskExitMetrics(this, 'TaskExits', {
        namePrefix: props.namePrefix,
        cluster: props.colors.blue.service.cluster,
        services: { blue: props.colors.blue.service, green: props.colors.green.service },
        logRetention: props.logRetention,
      });
    }

    const colors = {} as Record<Color, ColorAlarms>;
    const j = props.judge;
    for (const color of COLORS) {
      const other = otherColor(color);
      colors[color] = new ColorAlarms(this, color === 'blue' ? 'Blue' : 'Green', {
        color,
        namePrefix: props.namePrefix,
        targetGroup: props.colors[color].targetGroup,
        clusterName: props.clusterName,
        serviceName: props.colors[color].service.serviceName,
        signals: a,
        taskExits: this.taskExits?.metrics[color],
        extra: perColor,
        sharedAlarms: this.sharedAlarms,
        comparison: j.comparisonAlarm.enabled
          ? {
              other,
              otherTargetGroup: props.colors[other].targetGroup,
              windowMinutes: j.comparisonAlarm.windowMinutes,
              zScore: j.comparisonAlarm.zScore,
              minRequestsPerColor: j.minRequestsPerColor,
              errorMarginPercentPoints: j.errorMarginPercentPoints,
            }
          : undefined,
        criticalTopic: props.criticalTopic,
        warningTopic: props.warningTopic,
      });
    }
    this.colors = colors;

    this.service = new ServiceAlarms(this, 'Service', {
      namePrefix: props.namePrefix,
      loadBalancer: props.loadBalancer,
      requestsPerMinute: a.requestsPerMinute,
      database: props.database,
      databaseConnectionsPercent: a.databaseConnectionsPercent,
      cache: props.cache,
      cacheMemoryPercent: a.cacheMemoryPercent,
      criticalTopic: props.criticalTopic,
      warningTopic: props.warningTopic,
    });

    this.dashboard = new CutoverDashboard(this, 'Dashboard', {
      dashboardName: new ResourceNames(props.namePrefix).dashboard(),
      colors,
      service: this.service,
      waf: props.waf,
    }).dashboard;
  }
}
