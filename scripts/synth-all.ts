/**
 * Synthesizes every example environment into cdk.out/<env> and prints how long
 * each took. Used by the cfn-lint step and the benchmark.
 */
import { App } from 'aws-cdk-lib';
import * as path from 'path';
import { quietBundlingBanners } from '../lib/bundling-output';
import { listEnvironments, loadConfig } from '../lib/config/load';
import { inProcessApp, repositoryContext } from '../lib/context';
import { buildSwitchyard } from '../lib/switchyard';

/**
 * `forLint` synthesizes the templates only: no bundles (the templates are the same but for asset hashes), and
 * none of the checks that run at synth (cdk-nag, the Control Tower controls, aws-cdk-lib's built-in validation),
 * which leave the templates as they are; test/app.test.ts and test/lib/guardrails.test.ts run the first two on
 * every environment, and `cdk synth` the third.
 */
export function synthAll(outRoot = path.join(__dirname, '..', 'cdk.out'), forLint = false): string[] {
  const templates: string[] = [];
  for (const env of listEnvironments()) {
    const started = process.hrtime.bigint();
    const outdir = path.join(outRoot, env);
    const app = forLint ? inProcessApp(outdir) : new App({ outdir, context: repositoryContext() });
    buildSwitchyard(app, loadConfig(env), forLint ? { nag: false, guardrails: false } : {});
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
