/**
 * Runs AWS's cfn-lint on every template of every example environment.
 * Fails on any error; warnings are printed but do not fail.
 */
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { synthAll } from './synth-all';

const NODE_MODULES = path.join(__dirname, '..', 'node_modules');
const CACHE = path.join(NODE_MODULES, '.cache', 'switchyard-cfn-lint');

/** cfn-lint's output and exit status for `args`; a missing cfn-lint throws ENOENT. */
async function cfnLint(args: string[]): Promise<{ output: string; status: number }> {
  try {
    const r = await promisify(execFile)('cfn-lint', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { output: r.stdout + r.stderr, status: 0 };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { output: (err.stdout ?? '') + (err.stderr ?? ''), status: err.code };
  }
}

/**
 * cfn-lint over `files`, split between one process per core (each template is linted alone, so the
 * findings are those of one run): their output in the order of the files, and their exit statuses
 * combined (a bit mask).
 */
async function lintInParallel(args: string[], files: string[]): Promise<{ output: string; status: number }> {
  const parts = Math.max(1, Math.min(os.cpus().length, files.length));
  const groups = Array.from({ length: parts }, (_, i) => files.filter((_f, j) => j % parts === i));
  const runs = await Promise.all(groups.map((g) => cfnLint([...args, '--', ...g])));
  const lines = runs.flatMap((r) => r.output.split('\n').filter(Boolean));
  const order = (l: string) => files.findIndex((f) => l.startsWith(f));
  return { output: lines.sort((a, b) => order(a) - order(b)).join('\n'), status: runs.reduce((acc, r) => acc | r.status, 0) };
}

/**
 * cfn-lint's output for exactly these arguments and template contents under this version of it: the result of
 * an earlier identical run, or of this one, stored for the next (its ten seconds are most of this step).
 * SWITCHYARD_LINT_CACHE=off always runs it.
 */
async function lint(version: string, args: string[], files: string[]): Promise<{ output: string; status: number; cached: boolean }> {
  const h = createHash('sha256').update(version).update('\0').update(args.join('\0'));
  for (const f of files) h.update('\0').update(f).update('\0').update(fs.readFileSync(f));
  const entry = path.join(CACHE, `${h.digest('hex').slice(0, 32)}.json`);
  const useCache = process.env.SWITCHYARD_LINT_CACHE !== 'off' && fs.existsSync(NODE_MODULES);
  if (useCache && fs.existsSync(entry)) return { ...(JSON.parse(fs.readFileSync(entry, 'utf8')) as { output: string; status: number }), cached: true };
  const result = await lintInParallel(args, files);
  if (useCache) {
    // Only the latest result is kept.
    fs.rmSync(CACHE, { recursive: true, force: true });
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(entry, JSON.stringify(result));
  }
  return { ...result, cached: false };
}

async function main(): Promise<number> {
  // cfn-lint takes a second to start: ask its version while the templates are synthesized.
  const probe = cfnLint(['--version']).catch((e: Error) => e);
  const templates = synthAll(path.join(__dirname, '..', 'cdk.out', 'lint'), true);
  const version = await probe;
  if (version instanceof Error) {
    console.error('cfn-lint is not on PATH. Install it with: python3 -m pip install cfn-lint');
    return 1;
  }
  // W3005 (a DependsOn that a GetAtt already implies) comes only from aws-cdk-lib's own wiring: every
  // function and state machine depends on its role by both. CloudFormation ignores the duplicate, so
  // the check is left out unless CFN_LINT_ALL=1; errors and every other warning always print.
  const all = process.env.CFN_LINT_ALL === '1';
  const ignored = all ? [] : ['--ignore-checks', 'W3005'];
  const run = await lint(version.output.trim(), ['--format', 'parseable', ...ignored], templates);
  const lines = run.output.split('\n').filter(Boolean);
  for (const l of lines) console.log(l);
  // cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational.
  const code = run.status;
  const errors = lines.filter((l) => /:E\d{4}:/.test(l)).length;
  const warnings = lines.filter((l) => /:W\d{4}:/.test(l)).length;
  console.log(`cfn-lint ${version.output.trim()}: ${templates.length} templates, ${errors} errors, ${warnings} warnings${all ? '' : ' (W3005, the DependsOn aws-cdk-lib writes beside a GetAtt, left out: CFN_LINT_ALL=1 shows it)'}${run.cached ? '; the templates are unchanged since the last run, whose result this is (SWITCHYARD_LINT_CACHE=off runs it again)' : ''}`);
  return code & 2 || code & 1 || errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
