import { compareHeld } from '../../rehearsal/rehearse';

describe('a drill\'s expectations of a held ramp, pages and the ledger', () => {
  const want = { weightHeld: { fromMinute: 10, toMinute: 40, newPercent: 10 }, paged: ['cutover paused 30 minutes'], ledger: ['paused', 'resumed'] };

  it('match when every minute held the share, a page says it, and the ledger has each entry', () => {
    expect(compareHeld(want, { heldShares: [10, 10, 10], pages: ['Switchyard shop#dev: cutover paused 30 minutes'], ledgerTypes: ['started', 'paused', 'resumed'] })).toEqual([]);
  });

  it('name each way they differ', () => {
    expect(compareHeld(want, { heldShares: [10, 50], pages: [], ledgerTypes: ['paused'] })).toEqual([
      "between minutes 10 and 40 the new color's share was 10%, 50%, expected it held at 10%",
      'no page\'s subject includes "cutover paused 30 minutes" (pages: none)',
      'the ledger has no "resumed" entry',
    ]);
    expect(compareHeld(want, { heldShares: [], pages: ['other'], ledgerTypes: ['paused', 'resumed'] })[0]).toBe('no simulated minute fell between minutes 10 and 40, expected the new color held at 10%');
  });

  it('ask nothing when the drill does not say', () => {
    expect(compareHeld({}, { pages: [], ledgerTypes: [] })).toEqual([]);
    expect(compareHeld(undefined, { pages: [], ledgerTypes: [] })).toEqual([]);
  });
});
