import fc from 'fast-check';
import { howToFollow, startTimeline } from '../../../lambda/shared/decisions/announcement';

describe('startTimeline', () => {
  it('puts the steps one bake apart, promotion one bake after the last, and the watch window after it', () => {
    const t = startTimeline({ steps: [10, 50, 100], bakeSeconds: 300, watchWindowSeconds: 3600, approvals: { at: ['after-step:1'] } }, Date.parse('2027-03-29T09:00:00Z'));
    expect(t.steps).toEqual([
      { step: 1, percent: 10, dueAt: '2027-03-29T09:00:00.000Z' },
      { step: 2, percent: 50, dueAt: '2027-03-29T09:05:00.000Z' },
      { step: 3, percent: 100, dueAt: '2027-03-29T09:10:00.000Z' },
    ]);
    expect([t.promotionAt, t.watchWindowEndsAt]).toEqual(['2027-03-29T09:15:00.000Z', '2027-03-29T10:15:00.000Z']);
    expect(t.note).toMatch(/1 approval gate \(after-step:1\) come on top/);
  });

  it('never goes backwards', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 72 * 3600 }), (n, bake, watch) => {
        const t = startTimeline({ steps: Array.from({ length: n }, (_, i) => ((i + 1) * 100) / n), bakeSeconds: bake, watchWindowSeconds: watch }, 0);
        const times = [...t.steps.map((s) => Date.parse(s.dueAt)), Date.parse(t.promotionAt), Date.parse(t.watchWindowEndsAt)];
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }),
    );
  });
});

describe('howToFollow', () => {
  it('links the execution in its region\'s console and gives the status command', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:shop-production-cutover:abc';
    expect(howToFollow(arn, 'production')).toEqual({
      console: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
      status: `npm run cutover -- status --env production ${arn}`,
    });
  });
});
