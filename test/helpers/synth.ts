import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../lib/config/load';
import { inProcessApp } from '../../lib/context';
import { SwitchyardConfig, SwitchyardConfigInput } from '../../lib/config/schema';
import { parseConfig } from '../../lib/config/load';
import { buildSwitchyard, SwitchyardStacks } from '../../lib/switchyard';

/**
 * An app with the repository's feature flags and cached lookups, as `cdk synth`
 * sees them, without bundling or the built-in template validation (see inProcessApp).
 */
export function newApp(): App {
  return inProcessApp();
}

export interface Synthesized extends SwitchyardStacks {
  readonly app: App;
  readonly config: SwitchyardConfig;
  readonly platformTemplate: Template;
  readonly stateTemplate: Template;
}

/** Builds and synthesizes one environment; cdk-nag off unless asked (its own test runs it). */
export function synthConfig(config: SwitchyardConfig, nag = false): Synthesized {
  const app = newApp();
  const stacks = buildSwitchyard(app, config, { nag });
  return {
    ...stacks,
    app,
    config,
    platformTemplate: Template.fromStack(stacks.platform),
    stateTemplate: Template.fromStack(stacks.state),
  };
}

const cache = new Map<string, Synthesized>();
/** Synthesizes an example environment once per test file. */
export function synthEnv(env: string): Synthesized {
  if (!cache.has(env)) cache.set(env, synthConfig(loadConfig(env)));
  return cache.get(env)!;
}

/** The dev example with some fields replaced. */
export function devWith(patch: (raw: SwitchyardConfigInput) => void): SwitchyardConfig {
  const raw = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'dev.json'), 'utf8'));
  patch(raw);
  return parseConfig(raw, 'test');
}

/**
 * A template for snapshotting: asset hashes (which depend on the checkout's
 * files when bundling is skipped) become a placeholder; everything else stays.
 */
export function snapshotOf(template: { toJSON(): unknown }): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/\b[0-9a-f]{64}(\.zip|\.json)?\b/g, '<asset-hash>$1'));
}
