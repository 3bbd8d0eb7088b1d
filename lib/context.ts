import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/**
 * Feature flags from cdk.json and cached lookups from cdk.context.json: the
 * context `cdk synth` gives the app, for code that builds the app in-process
 * (tests, scripts).
 */
export function repositoryContext(): Record<string, unknown> {
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8'));
  return { ...read('cdk.json').context, ...read('cdk.context.json') };
}

/**
 * The app as tests, the rehearsal and the lint step build it in-process: the repository's
 * context, no Lambda bundling (templates do not depend on bundle contents) and
 * no built-in CloudFormation validation. That check runs a WebAssembly
 * validator on every synth (a third of a rehearsal's synth time) and, with
 * `validateAgainstDefaultRules` off, only ever warns; `cdk synth` still runs it,
 * and `npm test` lints every template with cfn-lint. No creation stack trace on
 * each construct's metadata either (under jest, formatting each one goes through
 * source maps); `cdk synth` keeps them. `outdir`: where synth
 * writes the assembly (a temporary folder by default).
 */
export function inProcessApp(outdir?: string): App {
  return new App({ outdir, context: { ...repositoryContext(), 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false, stackTraces: false });
}
