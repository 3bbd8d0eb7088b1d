/**
 * Synthesizes every example environment into cdk.out/<env>, with cdk-nag on,
 * and prints how long each took. Used by the cfn-lint step and the benchmark.
 */
import { App } from 'aws-cdk-lib';
import * as path from 'path';
import { quietBundlingBanners } from '../lib/bundling-output';
import { listEnvironments, loadConfig } from '../lib/config/load';
import { repositoryContext } from '../lib/context';
import { buildSwitchyard } from '../lib/switchyard';

export function synthAll(outRoot = path.join(__dirname, '..', 'cdk.out'), bundle = true): string[] {
  const templates: string[] = [];
  for (const env of listEnvironments()) {
    const started = process.hrtime.bigint();
    // Without bundling the templates are the same but for asset hashes; linting needs no bundles.
    const app = new App({ outdir: path.join(outRoot, env), context: { ...repositoryContext(), ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
    buildSwitchyard(app, loadConfig(env));
    const assembly = app.synth();
    for (const s of assembly.stacks) templates.push(path.join(assembly.directory, s.templateFile));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`synthesized ${env}: ${assembly.stacks.map((s) => s.stackName).join(', ')} in ${(ms / 1000).toFixed(1)} s`);
  }
  return templates;
}

if (require.main === module) {
  quietBundlingBanners(new App({ context: repositoryContext() }));
  synthAll();
}
