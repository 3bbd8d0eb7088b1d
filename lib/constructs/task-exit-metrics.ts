import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ResourceNames } from '../naming';
import { Color, COLORS } from '../../lambda/shared/colors';

/** Namespace of the task-exit metrics. */
export const TASK_EXIT_NAMESPACE = 'Switchyard/TaskExits';
/** Metric name of the task-exit metrics. */
export const TASK_EXIT_METRIC = 'TaskExits';
/** The one dimension: the task's ECS group, `service:<ECS service name>`, copied from the event. */
export const TASK_EXIT_DIMENSION = 'Group';
/**
 * Stop codes that count as a crash. Scale-in, deployments and health-check
 * replacements stop tasks with `ServiceSchedulerInitiated`; operators with `UserInitiated`.
 */
export const CRASH_STOP_CODES = ['EssentialContainerExited', 'TaskFailedToStart'] as const;

/** Properties of {@link TaskExitMetrics}. */
export interface TaskExitMetricsProps {
  /** `service-environment`, part of the log group name. */
  readonly namePrefix: string;
  /** The cluster both colors run in. */
  readonly cluster: ecs.ICluster;
  /** Each color's ECS service. */
  readonly services: Readonly<Record<Color, ecs.IBaseService>>;
  /**
   * Retention of the stopped-task log.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Crashed tasks per color, as a CloudWatch metric. ECS publishes no metric for
 * task exits, so an EventBridge rule writes every "ECS Task State Change" to
 * STOPPED of the two services into a log group, and a metric filter per color
 * emits 1 for each stop whose code is a crash ({@link CRASH_STOP_CODES}).
 *
 * Metric identity: namespace `Switchyard/TaskExits`, metric `TaskExits`, one
 * dimension `Group` = `service:<ECS service name>` (such as
 * `service:shop-production-blue`), unit Count, published only when a task
 * crashes (no datapoint otherwise). Service names carry the service,
 * environment and color, so the series is unique to one color of one service
 * environment.
 */
export class TaskExitMetrics extends Construct {
  /** Every STOPPED task event of the two services, one JSON event a line. */
  public readonly logGroup: logs.LogGroup;
  /** The rule sending the events to {@link logGroup}. */
  public readonly rule: events.Rule;
  /** Per color, the metric filter counting crashes. */
  public readonly filters: Readonly<Record<Color, logs.MetricFilter>>;
  /** Per color, crashes a minute (Sum); use `.with({ period })` for another window. */
  public readonly metrics: Readonly<Record<Color, cloudwatch.Metric>>;

  constructor(scope: Construct, id: string, props: TaskExitMetricsProps) {
    super(scope, id);
    const names = new ResourceNames(props.namePrefix);
    // EventBridge's console lists only /aws/events/ groups as targets; keep to that convention.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: names.taskExitLogGroup(),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const group = (c: Color) => `service:${props.services[c].serviceName}`;

    this.rule = new events.Rule(this, 'Rule', {
      description: `Stopped tasks of ${props.namePrefix}, for the crash-loop alarms`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [props.cluster.clusterArn], lastStatus: ['STOPPED'], group: COLORS.map(group) },
      },
    });
    // A log group target writes with the log group's resource policy, not a role.
    // This is a native AWS::Logs::ResourcePolicy; targets.CloudWatchLogGroup would
    // add a custom resource whose role may put any log group's policy.
    this.logGroup.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const logGroupArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: this.logGroup.logGroupName,
    });
    this.rule.addTarget({ bind: () => ({ arn: logGroupArn, targetResource: this.logGroup }) });

    const crashed = logs.FilterPattern.any(...CRASH_STOP_CODES.map((code) => logs.FilterPattern.stringValue('$.detail.stopCode', '=', code)));
    const filters = {} as Record<Color, logs.MetricFilter>;
    const metrics = {} as Record<Color, cloudwatch.Metric>;
    for (const color of COLORS) {
      filters[color] = new logs.MetricFilter(this, color === 'blue' ? 'BlueFilter' : 'GreenFilter', {
        logGroup: this.logGroup,
        filterName: names.taskExitFilter(color),
        filterPattern: logs.FilterPattern.all(logs.FilterPattern.stringValue('$.detail.group', '=', group(color)), crashed),
        metricNamespace: TASK_EXIT_NAMESPACE,
        metricName: TASK_EXIT_METRIC,
        metricValue: '1',
        dimensions: { [TASK_EXIT_DIMENSION]: '$.detail.group' },
        unit: cloudwatch.Unit.COUNT,
      });
      metrics[color] = new cloudwatch.Metric({
        namespace: TASK_EXIT_NAMESPACE,
        metricName: TASK_EXIT_METRIC,
        dimensionsMap: { [TASK_EXIT_DIMENSION]: group(color) },
        statistic: 'Sum',
        period: Duration.minutes(1),
      });
    }
    this.filters = filters;
    this.metrics = metrics;
  }
}
