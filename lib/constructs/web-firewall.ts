import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ResourceNames } from '../naming';

/** How the rules act on matching requests. */
export type WafMode = 'COUNT' | 'BLOCK';

/** AWS managed rule groups every Switchyard ACL runs, in priority order. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/** Properties of {@link WebFirewall}. */
export interface WebFirewallProps {
  /** `service-environment`, the start of every physical name. */
  readonly namePrefix: string;
  /** ARN of the load balancer to protect. */
  readonly loadBalancerArn: string;
  /**
   * COUNT records matches without blocking (how new rules go live); BLOCK enforces.
   * @default 'COUNT'
   */
  readonly mode?: WafMode;
  /**
   * Requests one IP may send in 5 minutes before the rate rule matches.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Retention of the WAF log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** A WAFv2 web ACL on the load balancer: managed rule groups, a per-IP rate rule, logs and metrics. */
export class WebFirewall extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;
  /** Log group receiving WAF logs (name starts with aws-waf-logs-, as WAF requires). */
  public readonly logGroup: logs.ILogGroup;
  /** COUNT or BLOCK. */
  public readonly mode: WafMode;
  /** CloudWatch metric name of the whole ACL (namespace AWS/WAFV2). */
  public readonly metricName: string;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    this.mode = props.mode ?? 'COUNT';
    const rate = props.rateLimitPer5Minutes ?? 2000;
    if (rate < 10) throw new Error(`WebFirewall: rateLimitPer5Minutes must be at least 10 (got ${rate})`);
    const names = new ResourceNames(props.namePrefix);
    const metric = (name: string) => names.wafMetric(name);
    this.metricName = metric('acl');
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: metric(name),
    });
    const count = this.mode === 'COUNT';

    const managed: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group,
      priority: i,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
      overrideAction: count ? { count: {} } : { none: {} },
      visibilityConfig: visibility(group),
    }));
    const rateRule: wafv2.CfnWebACL.RuleProperty = {
      name: 'RatePerIp',
      priority: MANAGED_RULE_GROUPS.length,
      statement: { rateBasedStatement: { limit: rate, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      action: count ? { count: {} } : { block: {} },
      visibilityConfig: visibility('rate-per-ip'),
    };

    this.webAcl = new wafv2.CfnWebACL(this, 'Acl', {
      name: names.webAcl(),
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: [...managed, rateRule],
      visibilityConfig: visibility('acl'),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.loadBalancerArn,
      webAclArn: this.webAcl.attrArn,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: names.wafLogGroup(),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the bare log-group ARN; CDK's logGroupArn ends in ':*'.
      logDestinationConfigs: [
        Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
    });
  }
}
