import type { Stack } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as path from 'path';
import { COLORS, Color } from '../lambda/shared/colors';
import { CONFIG_DIR, ConfigError, loadConfig, parseConfig } from '../lib/config/load';
import { SwitchyardConfig } from '../lib/config/schema';
import { renderDefinition, RenderedDefinition } from './definition';
import { cachedSynthesis } from './synth-cache';

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
  /** Literal environment values the control stack gives its handlers (defaults, targets, WAF mode), all functions' together. */
  readonly handlerEnv: Record<string, string>;
  readonly image: string;
  readonly desiredCount: number;
  /** The environment's legacy DNS cutover, when configured. */
  readonly dns?: SwitchyardConfig['dns'];
  /** The validated configuration the app was built from. */
  readonly config: SwitchyardConfig;
  /** The synthesized templates, as deployed. */
  readonly templates: { readonly platform: any; readonly control: any };
  /** Construct path of every resource, by template and logical id. */
  readonly paths: { readonly platform: Record<string, string>; readonly control: Record<string, string> };
}

/** Objects merge key by key; anything else (arrays included) is replaced. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (base === null || patch === null || typeof base !== 'object' || typeof patch !== 'object' || Array.isArray(base) || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = deepMerge(out[k], v);
  return out;
}

/** `config/<env>.json` with a drill's changes laid over it, validated as `cdk synth` would. */
export function configWith(env: string, overrides?: object): SwitchyardConfig {
  if (!overrides) return loadConfig(env);
  loadConfig(env); // the file itself must be valid, with its own error if not
  const file = path.join(CONFIG_DIR, `${env}.json`);
  try {
    return parseConfig(deepMerge(JSON.parse(fs.readFileSync(file, 'utf8')), overrides), `${file} with the drill's config changes`);
  } catch (e) {
    throw e instanceof ConfigError ? e : new ConfigError(String(e));
  }
}

/** Logical id to construct path, for every resource of a stack. */
function constructPaths(stack: Stack): Record<string, string> {
  const { CfnElement, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const out: Record<string, string> = {};
  for (const c of stack.node.findAll()) {
    if (c instanceof CfnElement && Stack.of(c) === stack) out[stack.resolve(c.logicalId)] = c.node.path;
  }
  return out;
}

const cache = new Map<string, SynthesizedApp>();

/**
 * Synthesizes an environment (without bundling), with a drill's config changes, and reads what a rehearsal
 * needs: once per process, and once per content of its sources while the disk cache (synth-cache.ts) holds it.
 */
export function synthesizedApp(env = 'dev', overrides?: object): SynthesizedApp {
  const key = `${env}|${JSON.stringify(overrides ?? null)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // The configuration is validated first, and on every call: a bad drill config fails with its own error.
  const config = configWith(env, overrides);
  // The validated config object itself, not its JSON copy from the cache.
  const result = { ...cachedSynthesis(key, () => synthesize(config)), config };
  cache.set(key, result);
  return result;
}

function synthesize(config: SwitchyardConfig): SynthesizedApp {
  // Loaded only when the disk cache misses: aws-cdk-lib and the constructs take seconds to load.
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  const { inProcessApp } = require('../lib/context') as typeof import('../lib/context');
  const { buildSwitchyard } = require('../lib/switchyard') as typeof import('../lib/switchyard');
  const app = inProcessApp();
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

  // Each function has only its own variables; the world's process holds them all, and each handler reads only its own.
  const handlerEnv: Record<string, string> = {};
  for (const fn of Object.values(c.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment)) {
    for (const [k, v] of Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>)) if (typeof v === 'string') handlerEnv[k] = v;
  }
  // And the settings compiled into the bundles (Lambda would read them there).
  for (const f of Object.values(control.functions)) Object.assign(handlerEnv, f.bundledSettings);

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
    config,
    templates: { platform: p, control: c },
    paths: { platform: constructPaths(platform), control: constructPaths(control) },
  };
  // Everything is read from the construct tree and the templates above; the cloud assembly on disk is not needed.
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return result;
}
