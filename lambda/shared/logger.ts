/**
 * Structured logging for every handler: one JSON line per call on stdout, the
 * service name and the keys appended so far on each. It replaces Powertools
 * Logger, whose loading was a third of a handler's own start-up; the level
 * comes from POWERTOOLS_LOG_LEVEL or AWS_LAMBDA_LOG_LEVEL (DEBUG, INFO, WARN,
 * ERROR or SILENT; INFO by default), read at each call.
 */
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
type Level = (typeof LEVELS)[number];

function threshold(): number {
  const asked = (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase();
  const i = LEVELS.indexOf((asked === 'WARNING' ? 'WARN' : asked) as Level);
  return i < 0 ? 1 : i;
}

function detail(extra: unknown): Record<string, unknown> {
  if (extra instanceof Error) return { error: { name: extra.name, message: extra.message, stack: extra.stack } };
  return (extra ?? {}) as Record<string, unknown>;
}

export class JsonLogger {
  private readonly keys: Record<string, unknown> = {};

  constructor(private readonly serviceName: string) {}

  /** Adds keys to every later line (undefined values are left out). */
  appendKeys(keys: Record<string, unknown>): void {
    Object.assign(this.keys, keys);
  }
  debug(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('DEBUG', message, extra);
  }
  info(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('INFO', message, extra);
  }
  warn(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('WARN', message, extra);
  }
  error(message: string, extra?: Record<string, unknown> | Error): void {
    this.write('ERROR', message, extra);
  }

  private write(level: Level, message: string, extra: unknown): void {
    if (LEVELS.indexOf(level) < threshold()) return;
    const line = { level, message, timestamp: new Date().toISOString(), service: process.env.POWERTOOLS_SERVICE_NAME ?? this.serviceName, ...this.keys, ...detail(extra) };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

/** One structured logger for every handler; the service name tags each line. */
export const logger = new JsonLogger('switchyard');
