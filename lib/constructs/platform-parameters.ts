import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { stateParameterPrefix } from '../../lambda/shared/colors';

/**
 * Values of the platform the control stack needs whose names AWS chooses
 * (ARNs with generated ids, DNS names, role names). They pass through SSM
 * parameters, not cross-stack exports: an export cannot change while another
 * stack imports it, so replacing a target group, the listener or a role, or
 * removing an alarm, would fail the platform's deploy. Everything Switchyard
 * names itself (alarms, services, cluster, topics, task families) the control
 * stack builds from the same names instead.
 */
export const PLATFORM_PARAMETERS = [
  'listener-arn',
  'test-rule-arn',
  'blue/target-group-arn',
  'green/target-group-arn',
  'maintenance/target-group-arn',
  'test-token-secret-arn',
  'load-balancer/dns-name',
  'load-balancer/hosted-zone-id',
  'alerting/key-arn',
  'blue/task-role-arn',
  'blue/execution-role-arn',
  'green/task-role-arn',
  'green/execution-role-arn',
  'network/vpc-id',
  'network/private-subnet-ids',
] as const;
export type PlatformParameter = (typeof PLATFORM_PARAMETERS)[number];

/** `/switchyard/<service>/<environment>/platform/<key>`: beside the recorded state, under the same prefix. */
export function platformParameterName(service: string, environment: string, key: PlatformParameter): string {
  return `${stateParameterPrefix(service, environment)}/platform/${key}`;
}

/** Properties of {@link PlatformParameters}. */
export interface PlatformParametersProps {
  /** Service name (config service.name). */
  readonly service: string;
  /** Environment name. */
  readonly environment: string;
  /** The value of each parameter; `network/private-subnet-ids` is comma-separated. */
  readonly values: Readonly<Record<PlatformParameter, string>>;
}

/** Writes the platform's generated names to SSM, one String parameter each, for the control stack to resolve at its deploy. */
export class PlatformParameters extends Construct {
  /** The parameters, by key. */
  public readonly parameters: Readonly<Record<PlatformParameter, ssm.StringParameter>>;

  constructor(scope: Construct, id: string, props: PlatformParametersProps) {
    super(scope, id);
    const out = {} as Record<PlatformParameter, ssm.StringParameter>;
    for (const key of PLATFORM_PARAMETERS) {
      out[key] = new ssm.StringParameter(this, key.replace(/[^A-Za-z0-9]/g, ''), {
        parameterName: platformParameterName(props.service, props.environment, key),
        stringValue: props.values[key],
        description: `Switchyard ${props.service}-${props.environment}: platform ${key}, read by the control stack at deploy`,
      });
    }
    this.parameters = out;
  }
}
