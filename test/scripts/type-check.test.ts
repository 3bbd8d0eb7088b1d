import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listEnvironments } from '../../lib/config/load';
import { besideCheck, rehearsalApps } from '../../scripts/type-check';

const node = (code: string) => spawn(process.execPath, ['-e', code], { stdio: 'ignore' });

describe('rehearsalApps', () => {
  it('is each environment as it is, and each distinct drill config once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drills-'));
    const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'drills', 'triggers', 'cpu-pegged-crossed.json'), 'utf8'));
    const write = (name: string, drill: object) => fs.writeFileSync(path.join(dir, name), JSON.stringify(drill));
    fs.mkdirSync(path.join(dir, 'nested'));
    write('a.json', { ...base, config: { service: { desiredCount: 3 } } });
    write('nested/b.json', { ...base, name: 'b', config: { service: { desiredCount: 3 } } });
    write('c.json', { ...base, name: 'c', environment: 'dev', config: undefined });
    write('notes.txt', {});
    const apps = rehearsalApps(dir);
    expect(apps).toEqual([...listEnvironments().map((env) => ({ env, config: undefined })), { env: base.environment, config: { service: { desiredCount: 3 } } }]);
  });

  it("covers every drill of the repository's own", () => {
    const keys = new Set(rehearsalApps().map((a) => `${a.env}|${JSON.stringify(a.config ?? null)}`));
    expect(keys.has('production|{"service":{"stickiness":{"enabled":true,"durationSeconds":3600}},"judge":{"comparisonAlarm":{"enabled":false}}}')).toBe(true);
    expect(keys.size).toBeGreaterThan(listEnvironments().length);
  });

  it('fails on a drill that is not valid, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drills-'));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"name": 3}');
    expect(() => rehearsalApps(dir)).toThrow(/broken\.json/);
  });
});

describe('besideCheck', () => {
  it('runs the work while the check runs, and passes when both pass', async () => {
    const order: string[] = [];
    const check = node('setTimeout(() => {}, 200)');
    check.once('exit', () => order.push('check ended'));
    expect(await besideCheck(check, () => order.push('work'))).toBe(0);
    expect(order).toEqual(['work', 'check ended']);
  });

  it("fails with the check's exit code when the check fails", async () => {
    expect(await besideCheck(node('process.exit(3)'), () => undefined)).toBe(3);
  });

  it('fails, saying why, when only the work fails, and still waits for the check', async () => {
    const log = jest.fn();
    const check = node('setTimeout(() => {}, 100)');
    let checkEnded = false;
    check.once('exit', () => (checkEnded = true));
    expect(
      await besideCheck(
        check,
        () => {
          throw new Error('bad drill');
        },
        log,
      ),
    ).toBe(1);
    expect(checkEnded).toBe(true);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/filling the synth cache failed: Error: bad drill/));
  });

  it('fails when the check cannot start', async () => {
    const log = jest.fn();
    expect(await besideCheck(spawn('/nonexistent/tsc'), () => undefined, log)).toBe(1);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/could not start/));
  });
});
