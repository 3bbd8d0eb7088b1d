import { Template } from 'aws-cdk-lib/assertions';
import { HANDLER_ENV } from '../../lambda/shared/settings';
import { synthEnv } from '../helpers/synth';

/**
 * Lambda allows 4 KB of environment per function (names and values). Each
 * function gets only the variables its handler reads (HANDLER_ENV; the
 * workflow tests run every handler restricted to its list, so a list that is
 * too short fails them).
 */
const ENVS = ['dev', 'staging', 'production'];
/** A reference is resolved at deploy: counted at the length of a long ARN (an ALB listener rule's is about 140 characters). */
const REFERENCE_CHARS = 160;
/** Pseudo parameters, at their longest values. */
const PSEUDO_CHARS: Record<string, number> = { 'AWS::Partition': 10, 'AWS::AccountId': 12, 'AWS::Region': 14, 'AWS::URLSuffix': 16 };
/**
 * What the largest function of any example may use: three quarters of the
 * limit, a kilobyte left for more smoke checks and extra alarms. (Pre-flight
 * carries every gating alarm's name and the cutover defaults: about 2.5 KB at
 * staging, counted this conservatively.)
 */
const BUDGET_BYTES = 3072;

const functions = (env: string) =>
  Object.values(Template.fromStack(synthEnv(env).control).toJSON().Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment)
    .map((r) => ({ name: r.Properties.FunctionName as string, vars: r.Properties.Environment.Variables as Record<string, unknown> }));

/** Deployed size of a value: literal text as is, pseudo parameters at their longest, any other reference at REFERENCE_CHARS. */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  const ref = (v as { Ref?: string } | null)?.Ref;
  if (ref && ref in PSEUDO_CHARS) return PSEUDO_CHARS[ref];
  if (v && typeof v === 'object' && 'Fn::Join' in v) {
    const [sep, parts] = (v as any)['Fn::Join'] as [string, unknown[]];
    return parts.reduce<number>((n, p) => n + valueBytes(p), 0) + sep.length * Math.max(0, parts.length - 1);
  }
  return REFERENCE_CHARS;
}
const envBytes = (vars: Record<string, unknown>) => Object.entries(vars).reduce((n, [k, v]) => n + Buffer.byteLength(k) + valueBytes(v), 0);

describe.each(ENVS)('%s', (env) => {
  it('gives each function only the variables its handler reads', () => {
    for (const f of functions(env)) {
      const task = f.name.replace(`shop-${env}-`, '') as keyof typeof HANDLER_ENV;
      if (!(task in HANDLER_ENV)) {
        // Handlers that read no settings (deploy guard, maintenance page) get nothing of the shared environment.
        expect({ task, vars: Object.keys(f.vars).filter((k) => k !== 'POWERTOOLS_SERVICE_NAME') }).toEqual({ task, vars: [] });
        continue;
      }
      const extra = Object.keys(f.vars).filter((k) => k !== 'POWERTOOLS_SERVICE_NAME' && !(HANDLER_ENV[task] as readonly string[]).includes(k));
      expect({ task, extra }).toEqual({ task, extra: [] });
    }
  });

  it('keeps each function\'s environment within the budget', () => {
    for (const f of functions(env)) expect({ name: f.name, within: envBytes(f.vars) <= BUDGET_BYTES }).toEqual({ name: f.name, within: true });
  });
});

it('reports the largest environment of the examples', () => {
  const all = ENVS.flatMap((env) => functions(env).map((f) => ({ name: f.name, bytes: envBytes(f.vars) })));
  const largest = all.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  // eslint-disable-next-line no-console
  console.log(`largest function environment: ${largest.name}, about ${largest.bytes} bytes (references at ${REFERENCE_CHARS}) of Lambda's 4096; budget ${BUDGET_BYTES}`);
  expect(largest.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  // Before each function got only its own, every function carried the whole shared environment.
  expect(all.filter((f) => f.name.endsWith('-validate-input')).every((f) => f.bytes < largest.bytes)).toBe(true);
});
