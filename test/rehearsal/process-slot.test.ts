import { processSlot } from '../../rehearsal/process-slot';

describe('processSlot', () => {
  it('makes the value once and hands the same one back', () => {
    const make = jest.fn(() => ({ made: Math.random() }));
    const first = processSlot('test-slot-once', make);
    expect(processSlot('test-slot-once', make)).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
    expect(processSlot('test-slot-other', () => 'other')).toBe('other');
  });

  it('outlives the module registry, as jest gives each test file its own', () => {
    const kept = processSlot('test-slot-registry', () => ({ kept: true }));
    let fresh: typeof processSlot | undefined;
    jest.isolateModules(() => {
      fresh = (require('../../rehearsal/process-slot') as typeof import('../../rehearsal/process-slot')).processSlot;
    });
    expect(fresh).not.toBe(processSlot);
    expect(fresh!('test-slot-registry', () => ({ kept: false }))).toBe(kept);
  });
});
