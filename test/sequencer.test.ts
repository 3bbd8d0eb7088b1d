const WorkflowFirst = require('./sequencer') as new () => { sort(tests: FakeTest[]): FakeTest[]; _cache: Map<unknown, Record<string, [number, number]>> };

interface FakeTest {
  path: string;
  context: { config: { cache: boolean }; hasteFS: { getSize(p: string): number } };
  duration?: number;
}

const sizes: Record<string, number> = {
  '/r/test/lib/big.test.ts': 9000,
  '/r/test/lambda/mid.test.ts': 5000,
  '/r/test/workflow/cutover.test.ts': 4000,
  '/r/test/workflow/drills-triggers.test.ts': 300,
  '/r/test/config/small.test.ts': 200,
};
const context = { config: { cache: false }, hasteFS: { getSize: (p: string) => sizes[p] } };
const tests = (): FakeTest[] => Object.keys(sizes).map((path) => ({ path, context }));
const order = (ts: FakeTest[]) => ts.map((t) => t.path.replace('/r/test/', ''));

describe('test sequencer', () => {
  it('without cached durations (a fresh clone) runs the workflow tests first, each group largest first', () => {
    expect(order(new WorkflowFirst().sort(tests()))).toEqual(['workflow/cutover.test.ts', 'workflow/drills-triggers.test.ts', 'lib/big.test.ts', 'lambda/mid.test.ts', 'config/small.test.ts']);
  });

  it('with cached durations keeps jest order: failed first, then files without a duration (workflow first), then the longest', () => {
    const s = new WorkflowFirst();
    // jest's cache entries: [0 failed | 1 passed, duration].
    s._cache.set(context, {
      '/r/test/lib/big.test.ts': [1, 2],
      '/r/test/workflow/drills-triggers.test.ts': [1, 36],
      '/r/test/lambda/mid.test.ts': [0, 1],
    });
    expect(order(s.sort(tests()))).toEqual(['lambda/mid.test.ts', 'workflow/cutover.test.ts', 'config/small.test.ts', 'workflow/drills-triggers.test.ts', 'lib/big.test.ts']);
  });
});
