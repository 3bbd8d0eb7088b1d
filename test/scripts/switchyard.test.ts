import { checkInput, main, UsageError } from '../../scripts/switchyard';

describe('operator command', () => {
  it('validates a cutover input locally before starting anything', () => {
    expect(checkInput('{"image":"repo/app:2","reason":"release 2"}')).toEqual({ image: 'repo/app:2', reason: 'release 2' });
    expect(() => checkInput('{"reason":"release 2","colour":"green"}')).toThrow(/unknown field\(s\) "colour"/);
    expect(() => checkInput('{nope')).toThrow(UsageError);
  });

  it('explains its usage', async () => {
    await expect(main(['frobnicate'])).rejects.toThrow(/start\|status\|rollback\|ledger/);
    await expect(main(['start'])).rejects.toThrow(/start needs --input/);
    await expect(main(['rollback'])).rejects.toThrow(/rollback needs --reason/);
    await expect(main(['rollback', '--reason', 'bad', '--target', 'red'])).rejects.toThrow(/--target is blue or green/);
    await expect(main(['ledger', '--local'])).rejects.toThrow(/--local works with start and rollback/);
    await expect(main(['maintenance', 'sideways'])).rejects.toThrow(/maintenance:on -- --reason/);
    await expect(main(['maintenance', 'on'])).rejects.toThrow(/maintenance on needs --reason/);
    await expect(main(['start', '--local', '--input', '{"reason":"r"}'])).rejects.toThrow(/reason must say why/);
  });
});
