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
