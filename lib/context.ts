import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
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
 * and `npm test` lints every template with cfn-lint. No stack traces in the
 * metadata either (under jest, formatting each one goes through source maps):
 * `stackTraces: false` turns off those of metadata entries, and
 * DISABLE_CREATION_STACK_TRACES those aws-cdk-lib records for every CfnElement
 * and Stack it creates (about 8 s of CPU over a cold jest run, profiled);
 * `cdk synth` keeps both. `outdir`: where synth writes the assembly (a
 * temporary folder by default).
 */
export function inProcessApp(outdir?: string): App {
  return new App({
    outdir,
    context: { ...repositoryContext(), [cxapi.BUNDLING_STACKS]: [], [cxapi.DISABLE_CREATION_STACK_TRACES]: true },
    builtinCloudFormationValidation: false,
    stackTraces: false,
  });
}
