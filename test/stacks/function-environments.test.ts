import { Template } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'child_process';
import { buildSync } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundledSettingsDefine, FUNCTION_BUNDLING } from '../../lib/constructs/cutover-functions';
import { BUNDLED_SETTINGS, HANDLER_ENV } from '../../lambda/shared/settings';
import { synthEnv } from '../helpers/synth';

/**
 * Lambda allows 4 KB of environment per function (names and values). Each
 * function gets only the variables its handler reads (HANDLER_ENV; the
 * workflow tests run every handler restricted to its list, so a list that is
 * too short fails them), and the large plain ones (BUNDLED_SETTINGS) are
 * compiled into its bundle instead of its environment.
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

const functions = (env: string) => {
  const s = synthEnv(env);
  const bundled = Object.fromEntries(Object.values(s.control.functions).map((f) => [f.function.node.defaultChild, f.bundledSettings] as const).map(([c, b]) => [s.control.resolve((c as any).logicalId), b]));
  return Object.entries(Template.fromStack(s.control).toJSON().Resources as Record<string, any>)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment)
    .map(([id, r]) => ({ name: r.Properties.FunctionName as string, vars: r.Properties.Environment.Variables as Record<string, unknown>, bundled: (bundled[id] ?? {}) as Readonly<Record<string, string>> }));
};

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
      const given = [...Object.keys(f.vars), ...Object.keys(f.bundled)];
      const extra = given.filter((k) => k !== 'POWERTOOLS_SERVICE_NAME' && !(HANDLER_ENV[task] as readonly string[]).includes(k));
      expect({ task, extra }).toEqual({ task, extra: [] });
    }
  });

  it('bundles the large plain settings: none of them left in an environment as text, no reference in a bundle', () => {
    let bundled = 0;
    for (const f of functions(env)) {
      const leftInEnvironment = (BUNDLED_SETTINGS as readonly string[]).filter((k) => typeof f.vars[k] === 'string');
      expect({ name: f.name, leftInEnvironment }).toEqual({ name: f.name, leftInEnvironment: [] });
      for (const [k, v] of Object.entries(f.bundled)) expect({ k, v }).toEqual({ k, v: expect.not.stringMatching(/\$\{Token\[/) });
      bundled += Object.keys(f.bundled).length;
    }
    expect(bundled).toBeGreaterThan(0);
  });

  it('keeps each function\'s environment within the budget', () => {
    for (const f of functions(env)) expect({ name: f.name, within: envBytes(f.vars) <= BUDGET_BYTES }).toEqual({ name: f.name, within: true });
  });
});

it('reports the largest environment of the examples, and what each function would carry without its bundle', () => {
  const all = ENVS.flatMap((env) => functions(env).map((f) => ({ name: f.name, bytes: envBytes(f.vars), withBundle: envBytes({ ...f.vars, ...f.bundled }) })));
  const largest = all.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  // The figures, on request (SHOW_SIZES=1): a test run prints nothing a user must learn to skip.
  // eslint-disable-next-line no-console
  if (process.env.SHOW_SIZES === '1') console.log(
    `largest function environment: ${largest.name}, about ${largest.bytes} bytes (references at ${REFERENCE_CHARS}) of Lambda's 4096; budget ${BUDGET_BYTES}\n` +
      all.map((f) => `${f.name.padEnd(32)} ${String(f.bytes).padStart(5)} (${f.withBundle} with its bundled settings in the environment)`).join('\n'),
  );
  expect(largest.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  // Before each function got only its own, every function carried the whole shared environment.
  expect(all.filter((f) => f.name.endsWith('-validate-input')).every((f) => f.bytes < largest.bytes)).toBe(true);
  // Before the large plain settings moved into the bundle, pre-flight carried every gating alarm and the smoke test the cutover defaults.
  expect(all.filter((f) => f.name.endsWith('-preflight') || f.name.endsWith('-smoke-test')).every((f) => f.withBundle - f.bytes > 450)).toBe(true);
});

it('a bundle reads its settings where the environment has none, and the environment wins where it has one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bundle-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    const settingsModule = path.join(__dirname, '..', '..', 'lambda', 'shared', 'settings').split(path.sep).join('/');
    fs.writeFileSync(entry, `import '${settingsModule.replace(/settings$/, 'cutover-config')}';\nimport { parseSettings } from '${settingsModule}';\nconst s = parseSettings({ GATING_ALARMS_GREEN: 'from-env' }, 'preflight');\nconst d = parseSettings({}, 'validate-input');\nprocess.stdout.write(JSON.stringify({ steps: d.defaults.steps, blue: s.colors.blue.gatingAlarms, green: s.colors.green.gatingAlarms }));\n`);
    const bundled = { CUTOVER_DEFAULTS: JSON.stringify({ steps: [5, 100] }), GATING_ALARMS_BLUE: 'a,b' };
    const outfile = path.join(dir, 'index.js');
    // The options the functions are bundled with, and their define.
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', outfile, minify: FUNCTION_BUNDLING.minify, target: FUNCTION_BUNDLING.target, mainFields: [...FUNCTION_BUNDLING.mainFields!], define: bundledSettingsDefine(bundled), logLevel: 'error' });
    expect(JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }))).toEqual({ steps: [5, 100], blue: ['a', 'b'], green: ['from-env'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
