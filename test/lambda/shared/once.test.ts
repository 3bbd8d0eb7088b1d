import { once } from '../../../lambda/shared/once';

describe('once', () => {
  it('runs its function on the first call only and returns that result after', () => {
    const make = jest.fn(() => ({ built: true }));
    const get = once(make);
    expect(make).not.toHaveBeenCalled();
    const first = get();
    expect(get()).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it('keeps a first result that is falsy instead of building again', () => {
    const make = jest.fn(() => undefined);
    const get = once(make);
    get();
    get();
    expect(make).toHaveBeenCalledTimes(1);
  });
});
