import { JsonLogger } from '../../../lambda/shared/logger';

describe('JsonLogger', () => {
  const saved = process.env.POWERTOOLS_LOG_LEVEL;
  let lines: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    lines = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => (lines.push(String(chunk)), true));
  });
  afterEach(() => {
    spy.mockRestore();
    process.env.POWERTOOLS_LOG_LEVEL = saved;
  });

  test('one JSON line per call with the level, service, appended keys and detail', () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const log = new JsonLogger('svc');
    log.appendKeys({ task: 'lock', executionId: 'e-1' });
    log.info('lock done', { output: { ok: true } });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'INFO', message: 'lock done', task: 'lock', executionId: 'e-1', output: { ok: true } });
    expect(JSON.parse(lines[0]).service).toBe(process.env.POWERTOOLS_SERVICE_NAME ?? 'svc');
  });

  test('errors keep their name, message and stack', () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const e = Object.assign(new Error('no weights'), { name: 'WeightsNotApplied' });
    new JsonLogger('svc').error('traffic failed', e);
    expect(JSON.parse(lines[0]).error).toEqual({ name: 'WeightsNotApplied', message: 'no weights', stack: e.stack });
  });

  test('the level filters lower levels; SILENT writes nothing', () => {
    const log = new JsonLogger('svc');
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    log.info('dropped');
    log.warn('kept');
    log.error('kept too');
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    log.error('dropped as well');
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['kept', 'kept too']);
  });
});
