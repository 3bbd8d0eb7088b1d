import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ResourceNames } from '../naming';
import { TaskFunction } from './cutover-functions';

/** Properties of {@link MaintenancePage}. */
export interface MaintenancePageProps {
  /** `service-environment`, the start of the function name. */
  readonly namePrefix: string;
  /** Seconds clients are told to wait (Retry-After). */
  readonly retryAfterSeconds: number;
  /** Content type of the body. */
  readonly contentType: string;
  /** The body clients get. */
  readonly body: string;
  /**
   * Log retention.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The 503 page of maintenance mode, as a Lambda target group: an ALB
 * fixed-response action cannot set Retry-After. No rule points at it until
 * maintenance mode goes on; the rules are made and removed at run time.
 */
export class MaintenancePage extends Construct {
  /** Target group a maintenance rule forwards to. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: MaintenancePageProps) {
    super(scope, id);
    const fn = new TaskFunction(this, 'Page', {
      task: 'maintenance-page',
      functionName: new ResourceNames(props.namePrefix).lambdaFunction('maintenance-page'),
      environment: { RETRY_AFTER_SECONDS: String(props.retryAfterSeconds), CONTENT_TYPE: props.contentType, BODY: props.body },
      timeout: Duration.seconds(5),
      memorySize: 128,
      logRetention: props.logRetention,
    });
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      targetType: elbv2.TargetType.LAMBDA,
      targets: [new targets.LambdaTarget(fn.function)],
    });
  }
}
