import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmEvaluation, levelAlarms, Levels } from './level-alarms';

/** Levels of one signal and how its alarms evaluate. */
export interface LevelSettings extends Levels, AlarmEvaluation {
  /**
   * Length of one period, in seconds.
   * @default 60
   */
  readonly periodSeconds?: number;
}

/** Properties of {@link ServiceAlarms}. */
export interface ServiceAlarmsProps {
  /** `service-environment`, the start of every alarm name. */
  readonly namePrefix: string;
  /** The load balancer in front of both colors. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Requests a minute across both colors (the period is always one minute). */
  readonly requestsPerMinute: Levels & AlarmEvaluation;
  /**
   * RDS instance whose connections to watch, with its max_connections.
   * @default - no database alarms
   */
  readonly database?: { readonly instanceIdentifier: string; readonly maxConnections: number };
  /** Database connections as a percent of max_connections. */
  readonly databaseConnectionsPercent: LevelSettings;
  /**
   * ElastiCache cluster whose memory to watch.
   * @default - no cache alarms
   */
  readonly cache?: { readonly clusterId: string };
  /** Cache memory used, in percent. */
  readonly cacheMemoryPercent: LevelSettings;
  /** Topic critical levels page. */
  readonly criticalTopic: sns.ITopic;
  /** Topic warning levels notify. */
  readonly warningTopic: sns.ITopic;
}

/**
 * Service-wide capacity signals: request rate, database connections and cache
 * memory. They page or warn; they do not roll back, since flipping colors
 * does not relieve a shared database or cache.
 */
export class ServiceAlarms extends Construct {
  /** Requests a minute across both colors. */
  public readonly requests: cloudwatch.IMetric;
  /** Database connections in percent of max_connections, when a database is configured. */
  public readonly databaseConnections?: cloudwatch.IMetric;
  /** Cache memory in percent, when a cache is configured. */
  public readonly cacheMemory?: cloudwatch.IMetric;
  /** Every alarm made here. */
  public readonly alarms: cloudwatch.IAlarm[] = [];

  private readonly props: ServiceAlarmsProps;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    this.props = props;
    const minute = Duration.minutes(1);
    const period = (l: LevelSettings) => Duration.seconds(l.periodSeconds ?? 60);

    this.requests = props.loadBalancer.metrics.requestCount({ period: minute, statistic: 'Sum' });
    // No requests is no load.
    this.levels('RequestsPerMinute', 'requests-per-minute', this.requests, props.requestsPerMinute, cloudwatch.TreatMissingData.NOT_BREACHING, 'requests a minute across both colors');

    if (props.database) {
      const connections = new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName: 'DatabaseConnections',
        dimensionsMap: { DBInstanceIdentifier: props.database.instanceIdentifier },
        period: period(props.databaseConnectionsPercent),
        statistic: 'Maximum',
      });
      this.databaseConnections = new cloudwatch.MathExpression({
        label: 'database connections %',
        expression: `100 * connections / ${props.database.maxConnections}`,
        usingMetrics: { connections },
        period: period(props.databaseConnectionsPercent),
      });
      // RDS reports every minute; a gap is a stopped instance or a wrong id, which
      // neither proves nor disproves pressure, so the alarm keeps its last state.
      this.levels('DatabaseConnections', 'database-connections', this.databaseConnections, props.databaseConnectionsPercent, cloudwatch.TreatMissingData.MISSING, 'database connections in percent of max_connections');
    }
    if (props.cache) {
      this.cacheMemory = new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName: 'DatabaseMemoryUsagePercentage',
        dimensionsMap: { CacheClusterId: props.cache.clusterId },
        period: period(props.cacheMemoryPercent),
        statistic: 'Maximum',
      });
      // Same reasoning as the database: keep the last state across gaps.
      this.levels('CacheMemory', 'cache-memory', this.cacheMemory, props.cacheMemoryPercent, cloudwatch.TreatMissingData.MISSING, 'cache memory used in percent');
    }
  }

  private levels(id: string, what: string, metric: cloudwatch.IMetric, levels: Levels & AlarmEvaluation, missing: cloudwatch.TreatMissingData, description: string): void {
    const alarms = levelAlarms(this, {
      id,
      name: `${this.props.namePrefix}-${what}`,
      metric,
      levels,
      treatMissingData: missing,
      description,
      evaluation: levels,
    });
    alarms.warning.addAlarmAction(new actions.SnsAction(this.props.warningTopic));
    alarms.critical.addAlarmAction(new actions.SnsAction(this.props.criticalTopic));
    this.alarms.push(alarms.warning, alarms.critical);
  }
}
