import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../../lib/config/load';
import { cutoverDefaultsSchema } from '../../lambda/shared/cutover-config';

const ROOT = path.join(__dirname, '..', '..');
const DIR = path.join(ROOT, 'docs', 'runbooks');
const FILES = ['CUTOVER-RUNBOOK.md', 'ROLLBACK-RUNBOOK.md', 'POST-CUTOVER-CHECKLIST.md'];
const read = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
const defaults = parseConfig({ environment: 'docs', region: 'eu-west-1', service: { name: 'svc', image: 'img' } }, 'defaults');

describe('runbooks', () => {
  it('exist', () => {
    for (const f of FILES) expect(read(f).length).toBeGreaterThan(500);
  });

  it('name only npm run commands that exist, in the runbooks and the README', () => {
    const named = new Set<string>();
    for (const text of [...FILES.map(read), fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')]) {
      for (const m of text.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)) named.add(m[1]);
    }
    expect(named.size).toBeGreaterThanOrEqual(5);
    for (const n of named) expect({ command: n, exists: n in scripts }).toEqual({ command: n, exists: true });
  });

  it('name only subcommands and flags the commands accept', () => {
    const sources: Record<string, string> = {
      cutover: fs.readFileSync(path.join(ROOT, 'scripts', 'switchyard.ts'), 'utf8'),
      rollback: fs.readFileSync(path.join(ROOT, 'scripts', 'switchyard.ts'), 'utf8'),
      ledger: fs.readFileSync(path.join(ROOT, 'scripts', 'switchyard.ts'), 'utf8'),
      rehearse: fs.readFileSync(path.join(ROOT, 'rehearsal', 'cli.ts'), 'utf8'),
    };
    let checked = 0;
    for (const f of FILES) {
      for (const line of read(f).split('\n')) {
        const m = /npm run ([a-z]+)(?: -- (.*))?/.exec(line);
        if (!m || !m[2]) continue;
        const source = sources[m[1]];
        expect({ command: m[1], known: source !== undefined }).toEqual({ command: m[1], known: true });
        const sub = /^([a-z]+)\b/.exec(m[2]);
        if (m[1] === 'cutover' && sub) expect(source).toContain(`case '${sub[1]}'`);
        for (const flag of m[2].matchAll(/--([a-z][a-z-]+)/g)) {
          expect({ command: m[1], flag: flag[1], accepted: source.includes(`'${flag[1]}'`) || source.includes(`${flag[1]}: {`) }).toEqual({ command: m[1], flag: flag[1], accepted: true });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('state the rollback triggers and warnings at the configuration defaults', () => {
    const a = defaults.alarms;
    const text = read('CUTOVER-RUNBOOK.md');
    const window = (e: { evaluationPeriods: number; datapointsToAlarm: number; periodSeconds: number }) =>
      `${e.datapointsToAlarm} of ${e.evaluationPeriods} ${e.periodSeconds === 60 ? 'one-minute' : `${e.periodSeconds}-second`} period${e.evaluationPeriods === 1 ? '' : 's'}`;
    expect(text).toContain(`(requests below ${a.errorRate.minRequests} a minute read as 0) | above ${a.errorRate.critical}% | ${window(a.errorRate)} |`);
    expect(text).toContain(`| p95 target response time | above ${a.p95Latency.critical} s | ${window(a.p95Latency)} |`);
    expect(text).toContain(`| unhealthy targets | above 0 | ${window(a.unhealthyTargets)} |`);
    expect(text).toContain(`| health-check failures, in percent of registered targets | above ${a.healthCheckFailures.criticalPercent}% | ${window(a.healthCheckFailures)} |`);
    expect(text).toContain(`| healthy targets below desired tasks | 1 or more short | ${window(a.healthyBelowDesired)} |`);
    expect(text).toContain(`| more than ${a.crashLoop.maxExits} | in any ${a.crashLoop.windowMinutes} minutes |`);
    expect(text).toContain(`| CPU, average of the color's tasks | at or above ${a.cpu.criticalPercent}% | ${window(a.cpu)} |`);
    expect(text).toContain(`| memory, average of the color's tasks | at or above ${a.memory.criticalPercent}% | ${window(a.memory)} |`);
    expect(text).toContain(`error rate above ${a.errorRate.warning}%, p95 above ${a.p95Latency.warning} s`);
    expect(text).toContain(`requests above ${a.requestsPerMinute.warning} a minute (${a.requestsPerMinute.critical} pages)`);
    expect(text).toContain(`database connections above ${a.databaseConnectionsPercent.warning}%\n(${a.databaseConnectionsPercent.critical}% pages)`);
    expect(text).toContain(`cache memory above ${a.cacheMemoryPercent.warning}% (${a.cacheMemoryPercent.critical}% pages)`);
    const j = defaults.judge;
    expect(text).toContain(`minus ${j.errorMarginPercentPoints} percentage point, over the pooled standard error (0 until both colors served ${j.minRequestsPerColor} requests in the window, so only during a ramp) | above ${j.comparisonAlarm.zScore} | a rolling ${j.comparisonAlarm.windowMinutes}-minute window, evaluated every minute |`);
    expect(text).toContain(`by at least ${j.errorMarginPercentPoints} percentage point with ${100 * j.confidence}% confidence`);
    expect(text).toContain(`Until each color has served ${j.minRequestsPerColor}\nrequests the step is inconclusive and bakes again, up to ${j.maxBakeSeconds} seconds`);
  });

  it('state the watch window, its checkpoints and tick at the defaults', () => {
    const d = cutoverDefaultsSchema.parse({});
    const text = read('POST-CUTOVER-CHECKLIST.md');
    expect(text).toContain(`(default ${d.watchWindowHours} hours, at most 72)`);
    for (const h of d.checkpointHours) expect(text).toContain(`\`afterHours ${h}\``);
    expect(read('ROLLBACK-RUNBOOK.md')).toContain(`(${d.watchTickSeconds / 3600} hours by default)`);
    expect(text).toContain(`error rate at most ${defaults.alarms.errorRate.warning}%, p95 at most ${defaults.alarms.p95Latency.warning} s`);
  });

  it('name every terminal state of the cutover state machine', () => {
    const text = read('CUTOVER-RUNBOOK.md');
    for (const s of ['InvalidInput', 'CutoverAlreadyRunning', 'PreflightNoGo', 'AbortedBeforeTraffic', 'RolledBack', 'RollbackFailed', 'ScaleDownFailed', 'DryRunPassed']) expect(text).toContain(s);
  });

  it('state the data sync timeouts, the maintenance maximum and the DNS TTL bound as the code has them', () => {
    const { MAX_DNS_TTL_SECONDS } = require('../../lambda/shared/decisions/dns');
    const c = parseConfig({ environment: 'docs', region: 'eu-west-1', service: { name: 'svc', image: 'img' }, dataSync: { image: 'sync', validation: { image: 'sync' } } }, 'defaults');
    const text = read('CUTOVER-RUNBOOK.md');
    expect(text).toContain(`\`dataSync.timeoutMinutes\`, ${c.dataSync!.timeoutMinutes} by default`);
    expect(text).toContain(`\`dataSync.validation.timeoutMinutes\`, ${c.dataSync!.validation!.timeoutMinutes}`);
    expect(text).toContain(`\`maintenance.maxSeconds\` (${defaults.maintenance.maxSeconds} s by default`);
    expect(text).toContain(`Lower its TTL to ${MAX_DNS_TTL_SECONDS} s or less`);
    expect(read('ROLLBACK-RUNBOOK.md')).toContain(`(at most\n${MAX_DNS_TTL_SECONDS} s)`);
    for (const f of ['CUTOVER-RUNBOOK.md', 'POST-CUTOVER-CHECKLIST.md']) expect(read(f)).toMatch(/30\s+days/);
  });
});
