import { Equivalent, score, tallies } from '../../scripts/mutation-score';

const source = 'const a = x <= y;\nconst b = x <= y;\n';
const mutant = (id: string, line: number, status: string) => ({ id, mutatorName: 'EqualityOperator', replacement: 'x < y', status, location: { start: { line, column: 11 }, end: { line, column: 17 } } });
const report = (statuses: string[]) => ({
  files: {
    'lambda/shared/decisions/a.ts': { source, mutants: statuses.slice(0, 2).map((s, i) => mutant(`d${i}`, i + 1, s)) },
    'lambda/shared/rollback.ts': { source, mutants: statuses.slice(2).map((s, i) => mutant(`r${i}`, i + 1, s)) },
  },
});
const eq = (location: string, file = 'lambda/shared/decisions/a.ts'): Equivalent => ({ file, mutator: 'EqualityOperator', location, original: 'x <= y', replacement: 'x < y', reason: 'r' });

describe('mutation score', () => {
  it('killed and timed-out mutants are detected, survived and uncovered ones live, others (errors, ignored) left out', () => {
    const { byTarget, live } = tallies(report(['Killed', 'Survived', 'Timeout', 'NoCoverage', 'CompileError']), []);
    expect(byTarget.get('decisions (lambda/shared/decisions/)')).toEqual({ detected: 1, live: 1, equivalent: 0 });
    expect(byTarget.get('rest of the safety core')).toEqual({ detected: 1, live: 1, equivalent: 0 });
    expect(live).toEqual(['lambda/shared/decisions/a.ts:2:11 Survived EqualityOperator: "x <= y" -> "x < y"', 'lambda/shared/rollback.ts:2:11 NoCoverage EqualityOperator: "x <= y" -> "x < y"']);
    expect(score({ detected: 1, live: 1, equivalent: 0 })).toBe(50);
  });

  it('an equivalent entry sets aside exactly one live mutant, the one at its location first', () => {
    const { byTarget, live, moved, unused } = tallies(report(['Survived', 'Survived']), [eq('2:11')]);
    expect(byTarget.get('decisions (lambda/shared/decisions/)')).toEqual({ detected: 0, live: 1, equivalent: 1 });
    expect(live).toEqual(['lambda/shared/decisions/a.ts:1:11 Survived EqualityOperator: "x <= y" -> "x < y"']);
    expect([moved, unused]).toEqual([[], []]);
  });

  it('an entry whose code moved still matches, and says so; one matching no live mutant is reported unused', () => {
    const { byTarget, moved, unused } = tallies(report(['Survived', 'Killed']), [eq('5:11'), eq('1:11', 'lambda/shared/retry.ts')]);
    expect(byTarget.get('decisions (lambda/shared/decisions/)')).toEqual({ detected: 1, live: 0, equivalent: 1 });
    expect(moved).toEqual([expect.stringContaining('listed at 5:11 (EqualityOperator: x <= y -> x < y) is now at 1:11')]);
    expect(unused.map((e) => e.file)).toEqual(['lambda/shared/retry.ts']);
  });

  it('an equivalent mutant counts neither for nor against the score', () => {
    expect(score({ detected: 9, live: 1, equivalent: 5 })).toBe(90);
    expect(score({ detected: 0, live: 0, equivalent: 3 })).toBe(100);
  });
});
