import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { headline, runTogether, Step, summary, testSteps } from '../../scripts/test';

const node = (name: string, code: string, live = false): Step => ({ name, command: process.execPath, args: ['-e', code], live });

describe('npm test runner', () => {
  it('passes only when every step passed, and names each step with how it ended', () => {
    expect(summary([{ name: 'a', code: 0, seconds: 1 }, { name: 'b', code: 0, seconds: 2.04 }], 3)).toEqual({ line: 'npm test: a passed (1.0 s), b passed (2.0 s); 3.0 s in all', code: 0 });
    expect(summary([{ name: 'a', code: 0, seconds: 1 }, { name: 'b', code: 2, seconds: 2 }], 3)).toEqual({ line: 'npm test: a passed (1.0 s), b FAILED (2.0 s); 3.0 s in all', code: 1 });
    expect(headline({ name: 'type-check', code: 2, seconds: 13.94 })).toBe('[type-check] FAILED (exit 2) in 13.9 s');
  });

  it('runs the steps at once: one waits for a file only another writes', async () => {
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runner-')), 'written');
    const waits = `const fs=require('fs');const until=Date.now()+20000;(function poll(){if(fs.existsSync(${JSON.stringify(marker)}))process.exit(0);if(Date.now()>until)process.exit(7);setTimeout(poll,20);})()`;
    const writes = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
    const results = await runTogether([node('waits', waits), node('writes', writes)], () => undefined);
    expect(results.map((r) => [r.name, r.code])).toEqual([
      ['waits', 0],
      ['writes', 0],
    ]);
  });

  it("prints a held step's output whole under its headline when it ends, and a failure or a missing command fails the run", async () => {
    const written: string[] = [];
    const results = await runTogether(
      [
        node('fails', "console.log('first'); console.error('second'); process.exit(3)"),
        node('quiet', ''),
        { name: 'missing', command: path.join(os.tmpdir(), 'no-such-command-here'), args: [] },
      ],
      (t) => written.push(t),
    );
    expect(results.map((r) => [r.name, r.code])).toEqual([
      ['fails', 3],
      ['quiet', 0],
      ['missing', 1],
    ]);
    const block = written.find((t) => t.startsWith('[fails]'))!;
    expect(block).toMatch(/^\[fails\] FAILED \(exit 3\) in \d+\.\d s\nfirst\nsecond\n$/);
    expect(written.find((t) => t.startsWith('[quiet]'))).toMatch(/^\[quiet\] passed in \d+\.\d s\n$/);
    expect(written.find((t) => t.startsWith('[missing]'))).toMatch(/^\[missing\] FAILED \(exit 1\) in \d+\.\d s: could not start .*no-such-command-here: .*ENOENT/);
    expect(summary(results, 1).code).toBe(1);
  });

  it("runs package.json's build and lint:cfn scripts beside jest, which alone streams and gets the arguments", () => {
    const steps = testSteps(['--ci', 'test/app.test.ts']);
    expect(steps.map((s) => [s.name, s.live ?? false])).toEqual([
      ['type-check', false],
      ['jest', true],
      ['cfn-lint', false],
    ]);
    expect(steps[1].args.slice(-2)).toEqual(['--ci', 'test/app.test.ts']);
    expect(steps[0].args.slice(-3)).toEqual(['run', '--silent', 'build']);
    expect(steps[2].args.slice(-3)).toEqual(['run', '--silent', 'lint:cfn']);
    const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toBe('ts-node --transpile-only scripts/test.ts');
    expect(scripts.build).toMatch(/^tsc --noEmit/);
  });
});
