import { CfnCondition, Duration, Fn, RemovalPolicy, SecretValue, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Color } from '../../lambda/shared/colors';
import { PREVIEW_HEADER, TEST_HEADER } from '../../lambda/shared/routes';

/** Priorities of the rules ahead of the production route; maintenance mode takes lower numbers. */
export const TEST_RULE_PRIORITY = 10;
export const PREVIEW_RULE_PRIORITY = 20;

/** Properties of {@link TrafficRouter}. */
export interface TrafficRouterProps {
  /** VPC whose public subnets hold the load balancer. */
  readonly vpc: ec2.IVpc;
  /** `service-environment`, the start of every physical name. */
  readonly namePrefix: string;
  /** The target group of each color. */
  readonly targetGroups: Readonly<Record<Color, elbv2.IApplicationTargetGroup>>;
  /**
   * The live color as a deploy-time token (an SSM-typed parameter). Weights and
   * the idle route are derived from it, so a deploy keeps traffic where the
   * last cutover left it.
   */
  readonly liveColor: string;
  /**
   * ACM certificate for an HTTPS production listener; port 80 then redirects.
   * @default - the production listener is plain HTTP on port 80
   */
  readonly certificateArn?: string;
  /**
   * Source ranges from which operators may preview the idle color with the preview header.
   * At most 4 (an ALB rule holds 5 condition values, one being the header).
   * @default - no preview rule
   */
  readonly operatorCidrs?: string[];
  /**
   * Days to keep ALB access logs.
   * @default 90
   */
  readonly accessLogDays?: number;
  /**
   * Refuse deleting the load balancer until this is turned off again.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * The load balancer and its routes: a production route that forwards to both
 * colors with weights, and a test route that reaches only the idle color.
 */
export class TrafficRouter extends Construct {
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Listener whose default action is the weighted production route. */
  public readonly productionListener: elbv2.ApplicationListener;
  /** Rule that forwards requests bearing the test token to the idle color. */
  public readonly testRule: elbv2.ApplicationListenerRule;
  /** Rule that lets operators preview the idle color, when operator CIDRs are given. */
  public readonly previewRule?: elbv2.ApplicationListenerRule;
  /** Secret holding the test-route token. */
  public readonly testTokenSecret: secretsmanager.ISecret;
  /** Encrypted, TLS-only bucket receiving ALB access logs. */
  public readonly accessLogBucket: s3.IBucket;
  /** Condition true while blue is the recorded live color. */
  public readonly liveIsBlue: CfnCondition;
  /** `https` or `http`: the scheme of the production URL. */
  public readonly scheme: 'http' | 'https';

  constructor(scope: Construct, id: string, props: TrafficRouterProps) {
    super(scope, id);
    if ((props.operatorCidrs?.length ?? 0) > 4) {
      throw new Error(`TrafficRouter: at most 4 operatorCidrs fit an ALB rule (got ${props.operatorCidrs!.length}); merge ranges into larger blocks`);
    }

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      // ALB log delivery writes with SSE-S3 only; KMS keys are not supported for it.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned, so a deleted or overwritten log stays recoverable for as long as logs are kept.
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 90), noncurrentVersionExpiration: Duration.days(props.accessLogDays ?? 90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the access-log destination of the load balancer; logging it into another bucket adds a chain with no reader.',
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');

    this.liveIsBlue = new CfnCondition(this, 'LiveIsBlue', { expression: Fn.conditionEquals(props.liveColor, 'blue') });
    const when = (live: number, idle: number, color: Color) =>
      Token.asNumber(Fn.conditionIf(this.liveIsBlue.logicalId, color === 'blue' ? live : idle, color === 'blue' ? idle : live));
    const production = elbv2.ListenerAction.weightedForward(
      [
        { targetGroup: props.targetGroups.blue, weight: when(100, 0, 'blue') },
        { targetGroup: props.targetGroups.green, weight: when(100, 0, 'green') },
      ],
      // No group stickiness here: with all traffic on one color it could only keep cookie holders on the other
      // (a cookie outranks a weight of 0). The cutover turns it on while traffic is split (decisions/stickiness.ts).
    );
    const idleOnly = () =>
      elbv2.ListenerAction.weightedForward([
        { targetGroup: props.targetGroups.blue, weight: when(0, 1, 'blue') },
        { targetGroup: props.targetGroups.green, weight: when(0, 1, 'green') },
      ]);

    if (props.certificateArn) {
      this.scheme = 'https';
      this.productionListener = this.loadBalancer.addListener('Production', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultAction: production,
        open: true,
      });
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    } else {
      this.scheme = 'http';
      this.productionListener = this.loadBalancer.addListener('Production', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: production,
        open: true,
      });
    }
    for (const sg of this.loadBalancer.connections.securityGroups) {
      Validations.of(sg).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The public production endpoint must accept the internet on its listener ports; AWS WAF filters requests in front of it.',
      });
    }

    this.testTokenSecret = new secretsmanager.Secret(this, 'TestToken', {
      description: `Header token that routes a request to the idle color of ${props.namePrefix}`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.testTokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The token is resolved into the test rule only when the rule changes, so a rotation would leave the rule on the old value; it is rotated by hand (put a new value, then set the rule to it), and the smoke test refuses to run while the two differ (SmokeRoutedToLiveColor).',
    });
    this.testRule = new elbv2.ApplicationListenerRule(this, 'TestRoute', {
      listener: this.productionListener,
      priority: TEST_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.httpHeader(TEST_HEADER, [SecretValue.secretsManager(this.testTokenSecret.secretArn).unsafeUnwrap()])],
      action: idleOnly(),
    });

    if (props.operatorCidrs && props.operatorCidrs.length > 0) {
      this.previewRule = new elbv2.ApplicationListenerRule(this, 'PreviewRoute', {
        listener: this.productionListener,
        priority: PREVIEW_RULE_PRIORITY,
        conditions: [elbv2.ListenerCondition.sourceIps(props.operatorCidrs), elbv2.ListenerCondition.httpHeader(PREVIEW_HEADER, ['idle'])],
        action: idleOnly(),
      });
    }
  }

  /** Base URL of the production route. */
  public get url(): string {
    return `${this.scheme}://${this.loadBalancer.loadBalancerDnsName}`;
  }
}
