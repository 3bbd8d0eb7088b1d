import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SwitchyardConfig } from './config/schema';
import { acknowledgeGuardrailExemptions, ControlTowerGuardrails } from './guardrails';
import { ResourceNames } from './naming';
import { ControlStack } from './stacks/control-stack';
import { PlatformStack } from './stacks/platform-stack';
import { StateStack } from './stacks/state-stack';
import type { SwitchyardStacks } from './stacks/switchyard-stacks';

/**
 * Types left untagged: aws-cdk-lib tags them, but the resource schemas cfn-lint
 * ships do not list Tags for them yet, and we lint every template.
 */
const UNTAGGED_TYPES = ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::CloudWatch::Dashboard'];

export type { SwitchyardStacks } from './stacks/switchyard-stacks';

/** Options of {@link buildSwitchyard}. */
export interface BuildOptions {
  /**
   * Run cdk-nag's AwsSolutions pack at synth.
   * @default true
   */
  readonly nag?: boolean;
  /**
   * Run AWS Control Tower's proactive controls (cfn-guard) at synth; see lib/guardrails.ts.
   * @default - the same as `nag`
   */
  readonly guardrails?: boolean;
  /**
   * Changes on every deploy so the platform's deploy guard runs each time.
   * @default - fixed; bin/ passes the synth time
   */
  readonly deployNonce?: string;
}

/** Adds every stack of one environment to `app`. Shared by bin/ and the tests. */
export function buildSwitchyard(app: App, config: SwitchyardConfig, options: BuildOptions = {}): SwitchyardStacks {
  const env = { account: config.account, region: config.region };
  const names = ResourceNames.of(config.service.name, config.environment);
  const prefix = names.prefix;
  const state = new StateStack(app, names.stack('state'), {
    env,
    config,
    description: `Switchyard ${prefix}: recorded cutover state (live color, images, task counts)`,
  });
  const platform = new PlatformStack(app, names.stack('platform'), {
    env,
    config,
    stateParameters: state.state.parameterNames,
    lockTable: state.state.lockTable,
    deployNonce: options.deployNonce,
    description: `Switchyard ${prefix}: blue/green Fargate services behind a weighted ALB, WAF, alarms and dashboard`,
  });
  platform.addStackDependency(state, 'the platform resolves the recorded state parameters at deploy time');
  const control = new ControlStack(app, names.stack('control'), {
    env,
    config,
    state: state.state,
    platform,
    description: `Switchyard ${prefix}: cutover and rollback state machines, alarm-driven rollback`,
  });
  control.addStackDependency(platform, 'the control stack resolves the platform\'s SSM parameters (no exports) at deploy time');

  for (const [key, value] of [['switchyard:service', config.service.name], ['switchyard:environment', config.environment]]) {
    Tags.of(app).add(key, value, { excludeResourceTypes: UNTAGGED_TYPES });
  }
  const stacks = { state, platform, control };
  acknowledgeGuardrailExemptions(stacks, config);
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  if (options.guardrails ?? options.nag ?? true) {
    Validations.of(app).addPlugins(new ControlTowerGuardrails());
  }
  return stacks;
}
