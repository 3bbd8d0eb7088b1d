/**
 * Operator commands against a deployed environment:
 *
 *   npm run cutover -- start --input '{"image":"repo/app:1.2.3","reason":"release 1.2.3"}' [--env production]
 *   npm run cutover -- status [EXECUTION_ARN]
 *   npm run rollback -- --reason "checkout errors" [--target blue]
 *   npm run ledger [-- --limit 50]
 *   npm run maintenance:on -- --reason "final data sync"      (off after its maximum, 60 s by default)
 *   npm run maintenance:off
 *
 * --local runs start or rollback against the offline rehearsal setup (moto on
 * loopback, built from the synthesized templates) instead of AWS; that
 * environment lives for one command, so `start --local` prints its ledger at the end.
 *
 * ARNs and table names come from the stacks' outputs; --state-machine-arn,
 * --rollback-arn and --ledger-table override them.
 */
// First: the handlers' logger reads its level when it is created, and this command prints its own output.
import '../rehearsal/quiet';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { userInfo } from 'os';
import { parseArgs } from 'util';
import { explain } from '../lambda/validate-input';
import { cutoverInputSchema } from '../lambda/shared/input';
import { history, LedgerEntry } from '../lambda/shared/adapters/ledger';
import { loadConfig } from '../lib/config/load';
import { ResourceNames } from '../lib/naming';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Validates a cutover input locally, with the same schema and words as the state machine. */
export function checkInput(text: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--input is not JSON: ${(e as Error).message}`);
  }
  const r = cutoverInputSchema.safeParse(raw);
  if (!r.success) throw new UsageError(explain(r.error.issues));
  return raw;
}

/** One line per ledger entry: time, type, execution, and what happened. */
export function formatLedger(entries: readonly LedgerEntry[]): string {
  if (entries.length === 0) return '(no ledger entries)';
  const rows = entries.map((e) => [new Date(e.atMs).toISOString(), e.type, e.executionId.split(':').pop() ?? e.executionId, summarize(e)]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['time', 'event', 'execution'][i].length));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ');
  return [line(['time', 'event', 'execution', 'detail']), ...rows.map(line)].join('\n');
}

function summarize(e: LedgerEntry): string {
  const d = e.detail as Record<string, any>;
  switch (e.type) {
    case 'started':
      return `${d.from} -> ${d.to}: ${d.plan?.reason ?? ''} (steps ${JSON.stringify(d.plan?.steps)})`;
    case 'preflight':
      return d.go ? 'go' : `no-go: ${(d.reasons ?? []).join('; ')}`;
    case 'weights':
      return `step ${d.step}/${d.of}: set blue=${d.set?.blue} green=${d.set?.green}, read back blue=${d.readBack?.blue} green=${d.readBack?.green}`;
    case 'bake':
      return `step ${d.step}: alarm ${d.alarm}, ${d.requests ?? 'no'} requests, ${d.verdict?.ok ? 'pass' : `fail (${d.verdict?.reason})`}`;
    case 'rollback':
      return `to ${d.target} (${d.trigger}) in ${d.elapsedMs} ms${d.scaledUp ? ', scaled up first' : ''}: ${d.reason}`;
    case 'smoke':
      return `${d.ok ? 'pass' : 'FAIL'}: ${(d.checks ?? []).map((c: any) => `${c.name} ${c.ok ? 'ok' : c.failures.join(', ')}`).join('; ')}`;
    case 'finished':
      return `${d.outcome}${d.error ? `: ${d.error.Error}` : ''}`;
    default:
      return JSON.stringify(d).slice(0, 160);
  }
}

async function outputs(stack: string): Promise<Record<string, string>> {
  const r = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stack }));
  return Object.fromEntries((r.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

export async function main(argv: string[], print: (s: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      env: { type: 'string', default: 'dev' },
      input: { type: 'string' },
      reason: { type: 'string' },
      target: { type: 'string' },
      limit: { type: 'string', default: '200' },
      name: { type: 'string' },
      'state-machine-arn': { type: 'string' },
      'rollback-arn': { type: 'string' },
      'ledger-table': { type: 'string' },
      local: { type: 'boolean', default: false },
    },
  });
  const [command, arg] = positionals;
  if (values.local) return local(command, values, print);
  const config = loadConfig(values.env!);
  const names = ResourceNames.of(config.service.name, config.environment);
  const sfn = new SFNClient({});
  const control = async (key: string, flag: string | undefined) => flag ?? (await outputs(names.stack('control')))[key];

  switch (command) {
    case 'start': {
      if (!values.input) throw new UsageError('start needs --input \'{"image": "...", "reason": "..."}\'');
      const input = checkInput(values.input);
      const arn = await control('CutoverStateMachineArn', values['state-machine-arn']);
      const r = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: values.name, input: JSON.stringify(input) }));
      print(`started ${r.executionArn}\nfollow it with: npm run cutover -- status ${r.executionArn} --env ${values.env}`);
      return 0;
    }
    case 'status': {
      const latest = async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: await control('CutoverStateMachineArn', values['state-machine-arn']), maxResults: 1 }))).executions?.[0]?.executionArn;
      const arn = arg ?? (await latest());
      if (!arn) throw new UsageError('no execution found; give its ARN');
      const started = Date.now();
      for (;;) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 20 }));
        const entered = h.events?.find((e) => e.type?.endsWith('StateEntered'));
        const state = entered?.stateEnteredEventDetails?.name ?? '-';
        print(`[${Math.round((Date.now() - started) / 1000)}s] ${d.status} at ${state}`);
        if (d.status !== 'RUNNING') {
          if (d.error) print(`${d.error}: ${d.cause ?? ''}`);
          return d.status === 'SUCCEEDED' ? 0 : 1;
        }
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
    case 'rollback': {
      if (!values.reason) throw new UsageError('rollback needs --reason "why"');
      if (values.target && !['blue', 'green'].includes(values.target)) throw new UsageError('--target is blue or green');
      const arn = await control('RollbackStateMachineArn', values['rollback-arn']);
      const r = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ reason: values.reason, ...(values.target ? { target: values.target } : {}) }) }));
      print(`rollback started ${r.executionArn}`);
      return 0;
    }
    case 'ledger': {
      const table = values['ledger-table'] ?? (await outputs(names.stack('state'))).LedgerTableName;
      print(formatLedger(await history(table, `${config.service.name}#${config.environment}`, Number(values.limit))));
      return 0;
    }
    case 'maintenance': {
      if (arg !== 'on' && arg !== 'off') throw new UsageError('usage: npm run maintenance:on -- --reason "why", or npm run maintenance:off');
      if (arg === 'on' && !values.reason) throw new UsageError('maintenance on needs --reason "why"');
      const payload = arg === 'on' ? { action: 'on', reason: values.reason, by: userInfo().username } : { action: 'off', by: userInfo().username };
      const r = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: names.lambdaFunction('maintenance'), Payload: Buffer.from(JSON.stringify(payload)) }));
      const body = r.Payload ? Buffer.from(r.Payload).toString('utf8') : '';
      if (r.FunctionError) throw new Error(`maintenance ${arg} failed: ${body}`);
      print(`maintenance ${arg}: ${body}`);
      return 0;
    }
    default:
      throw new UsageError('usage: npm run cutover -- start|status|rollback|ledger|maintenance [--env NAME] (see scripts/switchyard.ts)');
  }
}

/** start or rollback against a throwaway rehearsal environment. */
async function local(command: string | undefined, values: { input?: string; reason?: string; target?: string; env?: string }, print: (s: string) => void): Promise<number> {
  if (command !== 'start' && command !== 'rollback') throw new UsageError('--local works with start and rollback: the local environment lives for one command (start --local prints its ledger)');
  const input = command === 'start' ? checkInput(values.input ?? '') : { reason: values.reason, ...(values.target ? { target: values.target } : {}) };
  if (command === 'rollback' && !values.reason) throw new UsageError('rollback needs --reason "why"');
  const { Moto } = require('../rehearsal/moto') as typeof import('../rehearsal/moto');
  const { World } = require('../rehearsal/world') as typeof import('../rehearsal/world');
  const { runStateMachine } = require('../rehearsal/run') as typeof import('../rehearsal/run');
  const moto = await Moto.start();
  const world = new World(moto.endpoint, { env: values.env });
  try {
    await world.build();
    print(`local ${values.env} environment on ${moto.endpoint}: blue live with ${world.desired} tasks, green idle`);
    const started = performance.now();
    // Simulated users (1,000 healthy requests a minute) and the alarms as synthesized, in simulated time.
    const r = await runStateMachine(input, world.runOptions({
      machine: command === 'start' ? 'cutover' : 'rollback',
      after: async (state) => {
        const w = await world.observeWeights();
        print(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${state.padEnd(24)} blue=${w.blue} green=${w.green}`);
      },
    }));
    print(`${r.status}${r.error ? ` ${r.error}: ${r.cause ?? ''}` : ''}`);
    print(formatLedger(await world.ledger()));
    return r.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await world.close();
    await moto.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof UsageError ? e.message : e);
      process.exit(2);
    },
  );
}
