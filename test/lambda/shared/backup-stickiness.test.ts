import { recentSnapshot, snapshotProgress } from '../../../lambda/shared/decisions/backup';
import { stickinessFor } from '../../../lambda/shared/decisions/stickiness';

describe('recentSnapshot: the boundaries', () => {
  const now = 10 * 3600_000;
  const hour = 3600_000;

  it('the newest of several available ones, whatever their order', () => {
    const snaps = [
      { id: 'older', status: 'available', createdAtMs: now - 50 * 60_000 },
      { id: 'newest', status: 'available', createdAtMs: now - 5 * 60_000 },
      { id: 'middle', status: 'available', createdAtMs: now - 20 * 60_000 },
    ];
    expect(recentSnapshot(snaps, now, hour)?.id).toBe('newest');
    expect(recentSnapshot([...snaps].reverse(), now, hour)?.id).toBe('newest');
  });

  it('exactly at the age limit, and taken right now, still counts', () => {
    expect(recentSnapshot([{ id: 'edge', status: 'available', createdAtMs: now - hour }], now, hour)?.id).toBe('edge');
    expect(recentSnapshot([{ id: 'now', status: 'available', createdAtMs: now }], now, hour)?.id).toBe('now');
  });

  it('one without a creation time is never picked', () => {
    expect(recentSnapshot([{ id: 'unknown', status: 'available', createdAtMs: undefined }], now, hour)).toBeUndefined();
  });
});

describe('snapshotProgress: every failed status, named', () => {
  it.each(['failed', 'deleted', 'deleting', 'incompatible-restore', 'incompatible-parameters'])('%s fails at once', (status) => {
    expect(snapshotProgress(status, 0, 1000)).toEqual({ state: 'failed', reason: `the snapshot is ${status}` });
  });
  it('a snapshot still being taken at its deadline names its status', () => {
    expect(snapshotProgress('backing-up', 1000, 1000)).toEqual({ state: 'failed', reason: 'the snapshot is still backing-up at its deadline' });
    expect(snapshotProgress('backing-up', 999, 1000)).toEqual({ state: 'waiting' });
  });
});

describe('stickinessFor: the boundaries', () => {
  const split = { blue: 50, green: 50 };
  it('off when not configured, 0 or negative', () => {
    for (const seconds of [undefined, 0, -5]) expect(stickinessFor({ from: { blue: 90, green: 10 }, to: split, newColor: 'green' }, seconds)).toBeUndefined();
  });
  it('on while the new color\'s share holds or grows; off when it goes down', () => {
    expect(stickinessFor({ from: split, to: split, newColor: 'green' }, 60)).toBe(60);
    expect(stickinessFor({ from: { blue: 90, green: 10 }, to: split, newColor: 'green' }, 60)).toBe(60);
    expect(stickinessFor({ from: { blue: 40, green: 60 }, to: split, newColor: 'green' }, 60)).toBeUndefined();
    expect(stickinessFor({ to: split, newColor: 'green' }, 60)).toBe(60);
  });
});
