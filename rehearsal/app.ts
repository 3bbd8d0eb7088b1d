import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { COLORS, Color } from '../lambda/shared/colors';
import { loadConfig } from '../lib/config/load';
import { SwitchyardConfig } from '../lib/config/schema';
import { repositoryContext } from '../lib/context';
import { buildSwitchyard } from '../lib/switchyard';
import { renderDefinition, RenderedDefinition } from './definition';

/** A metric alarm as the platform template defines it. */
export interface TemplateAlarm {
  readonly name: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly statistic?: string;
  readonly threshold: number;
  readonly comparison: string;
}

/** What a rehearsal takes from the synthesized app instead of inventing it. */
export interface SynthesizedApp {
  readonly service: string;
  readonly environment: string;
  readonly prefix: string;
  readonly definitions: { readonly cutover: RenderedDefinition; readonly rollback: RenderedDefinition };
  /** Target-group settings of each color. */
  readonly targetGroup: { readonly port: number; readonly healthCheckPath: string; readonly interval: number; readonly timeout: number; readonly healthy: number; readonly unhealthy: number };
  /** The composite rollback alarm and the critical alarms under it, per color. */
  readonly alarms: Readonly<Record<Color, { readonly rollback: string; readonly critical: TemplateAlarm[] }>>;
  /** Literal environment values the control stack gives its handlers (defaults, targets, WAF mode). */
  readonly handlerEnv: Record<string, string>;
  readonly image: string;
  readonly desiredCount: number;
  /** The environment's legacy DNS cutover, when configured. */
  readonly dns?: SwitchyardConfig['dns'];
}

const cache = new Map<string, SynthesizedApp>();

/** Synthesizes an environment once (without bundling) and reads what a rehearsal needs. */
export function synthesizedApp(env = 'dev'): SynthesizedApp {
  const hit = cache.get(env);
  if (hit) return hit;
  const config = loadConfig(env);
  const app = new App({ context: { ...repositoryContext(), 'aws:cdk:bundling-stacks': [] } });
  const { platform, control } = buildSwitchyard(app, config, { nag: false });
  const p = Template.fromStack(platform).toJSON() as { Resources: Record<string, any> };
  const c = Template.fromStack(control).toJSON() as { Resources: Record<string, any> };
  const prefix = `${config.service.name}-${config.environment}`;

  const sm = (name: string) => Object.entries(c.Resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === name)![0];
  const tg = Object.values(p.Resources).find((r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.Properties.Name === `${prefix}-blue`)!.Properties;

  const alarms = {} as Record<Color, { rollback: string; critical: TemplateAlarm[] }>;
  for (const color of COLORS) {
    const composite = Object.values(p.Resources).find((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm' && r.Properties.AlarmName === `${prefix}-${color}-rollback`)!;
    const ruleIds = JSON.stringify(composite.Properties.AlarmRule).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g) ?? [];
    const critical = ruleIds
      .map((m) => /\["([A-Za-z0-9]+)"/.exec(m)![1])
      .map((id) => p.Resources[id].Properties)
      .map((a: any) => ({ name: a.AlarmName, namespace: a.Namespace, metricName: a.MetricName, statistic: a.Statistic, threshold: a.Threshold, comparison: a.ComparisonOperator }));
    alarms[color] = { rollback: composite.Properties.AlarmName, critical };
  }

  const fn = Object.values(c.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === `${prefix}-traffic`)!;
  const handlerEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>)) if (typeof v === 'string') handlerEnv[k] = v;

  const result: SynthesizedApp = {
    service: config.service.name,
    environment: config.environment,
    prefix,
    definitions: { cutover: renderDefinition(c, sm(`${prefix}-cutover`)), rollback: renderDefinition(c, sm(`${prefix}-rollback`)) },
    targetGroup: { port: tg.Port, healthCheckPath: tg.HealthCheckPath, interval: tg.HealthCheckIntervalSeconds, timeout: tg.HealthCheckTimeoutSeconds, healthy: tg.HealthyThresholdCount, unhealthy: tg.UnhealthyThresholdCount },
    alarms,
    handlerEnv,
    image: config.service.image,
    desiredCount: config.service.desiredCount,
    dns: config.dns,
  };
  cache.set(env, result);
  return result;
}
