/**
 * npm test [-- JEST ARGS]: the type-check (`npm run build`), jest and cfn-lint (`npm run lint:cfn`), started
 * together. Each of the two side steps uses one core for about ten seconds; run before and after jest they left
 * the other core idle, and jest keeps both busy, so beside it they cost its run little. jest's output streams as
 * usual; a side step's output prints as one block when it ends (a type error as soon as the type-check ends, while
 * jest runs on), and the run fails when any step fails.
 */
import { spawn } from 'child_process';
import * as path from 'path';

/** One command of the run. */
export interface Step {
  /** Its name in the lines this runner prints. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Its output goes straight to the terminal (jest's progress); otherwise it is held and printed whole when it ends. */
  readonly live?: boolean;
}

/** How a step ended. */
export interface StepResult {
  readonly name: string;
  /** Exit status; a step ended by a signal, or that could not start, counts as 1. */
  readonly code: number;
  readonly seconds: number;
}

/** The line that heads a side step's output. */
export function headline(r: StepResult): string {
  return `[${r.name}] ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s`;
}

/** The closing line, and the run's exit status: 0 only when every step passed. */
export function summary(results: readonly StepResult[], seconds: number): { line: string; code: number } {
  const failed = results.filter((r) => r.code !== 0);
  const parts = results.map((r) => `${r.name} ${r.code === 0 ? 'passed' : 'FAILED'} (${r.seconds.toFixed(1)} s)`);
  return { line: `npm test: ${parts.join(', ')}; ${seconds.toFixed(1)} s in all`, code: failed.length === 0 ? 0 : 1 };
}

function runStep(step: Step, write: (text: string) => void): Promise<StepResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { stdio: step.live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    const held: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => held.push(b));
    child.stderr?.on('data', (b: Buffer) => held.push(b));
    let startError: Error | undefined;
    child.on('error', (e) => (startError = e));
    child.on('close', (status) => {
      const result = { name: step.name, code: startError || status === null ? 1 : status, seconds: elapsed() };
      if (!step.live) {
        const output = Buffer.concat(held).toString('utf8').trimEnd();
        write(`${headline(result)}${startError ? `: could not start ${step.command}: ${startError.message}` : ''}\n${output ? `${output}\n` : ''}`);
      }
      resolve(result);
    });
  });
}

/** Runs `steps` at once; resolves with their results in the order given. */
export async function runTogether(steps: readonly Step[], write: (text: string) => void = (t) => process.stdout.write(t)): Promise<StepResult[]> {
  return Promise.all(steps.map((s) => runStep(s, write)));
}

/** The steps of `npm test`, with `jestArgs` passed to jest. */
export function testSteps(jestArgs: readonly string[]): Step[] {
  // The npm that runs this script (npm sets npm_execpath), so the side steps are the scripts package.json names.
  const npmCli = process.env.npm_execpath;
  const npm = (script: string) => (npmCli ? { command: process.execPath, args: [npmCli, 'run', '--silent', script] } : { command: 'npm', args: ['run', '--silent', script] });
  return [
    { name: 'type-check', ...npm('build') },
    { name: 'jest', command: process.execPath, args: [require.resolve('jest/bin/jest'), ...jestArgs], live: true },
    { name: 'cfn-lint', ...npm('lint:cfn') },
  ];
}

async function main(): Promise<number> {
  process.chdir(path.join(__dirname, '..'));
  const started = process.hrtime.bigint();
  const results = await runTogether(testSteps(process.argv.slice(2)));
  const { line, code } = summary(results, Number(process.hrtime.bigint() - started) / 1e9);
  console.log(line);
  return code;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
