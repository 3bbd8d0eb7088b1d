/**
 * Runs AWS's cfn-lint on every template of every example environment.
 * Fails on any error; warnings are printed but do not fail.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { synthAll } from './synth-all';

const templates = synthAll(path.join(__dirname, '..', 'cdk.out', 'lint'), true);
const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (probe.error) {
  console.error('cfn-lint is not on PATH. Install it with: python3 -m pip install cfn-lint');
  process.exit(1);
}
// W3005 (a DependsOn that a GetAtt already implies) comes only from aws-cdk-lib's own wiring: every
// function and state machine depends on its role by both. CloudFormation ignores the duplicate, so
// the check is left out unless CFN_LINT_ALL=1; errors and every other warning always print.
const all = process.env.CFN_LINT_ALL === '1';
const ignored = all ? [] : ['--ignore-checks', 'W3005'];
const run = spawnSync('cfn-lint', ['--format', 'parseable', ...ignored, '--', ...templates], { encoding: 'utf8' });
const lines = (run.stdout + run.stderr).split('\n').filter(Boolean);
for (const l of lines) console.log(l);
// cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational.
const code = run.status ?? 1;
const errors = lines.filter((l) => /:E\d{4}:/.test(l)).length;
const warnings = lines.filter((l) => /:W\d{4}:/.test(l)).length;
console.log(`cfn-lint ${probe.stdout.trim()}: ${templates.length} templates, ${errors} errors, ${warnings} warnings${all ? '' : ' (W3005, the DependsOn aws-cdk-lib writes beside a GetAtt, left out: CFN_LINT_ALL=1 shows it)'}`);
if (code & 2 || code & 1 || errors > 0) process.exit(1);
