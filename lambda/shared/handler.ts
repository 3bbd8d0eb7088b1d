import * as z from './zod';
import { CutoverError } from './errors';
import { logger } from './logger';
import { asTask, prepareSettings } from './settings';

/** The state handed to a Task did not have the shape the handler needs: a bug in the state machine. */
export class MalformedState extends CutoverError {
  constructor(message: string) {
    super('MalformedState', message);
  }
}

/**
 * Wraps a handler: parse the event with `schema`, then run `body`. Errors keep
 * their names (Step Functions routes on them) and are logged, never swallowed.
 */
export function handler<S extends z.ZodMiniType, O>(name: string, schema: S, body: (event: z.output<S>) => Promise<O>): (event: unknown) => Promise<O> {
  prepareSettings(name);
  return async (event: unknown) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      throw new MalformedState(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}`);
    }
    const data = parsed.data as { executionId?: string; action?: string };
    logger.appendKeys({ task: name, executionId: data.executionId, action: data.action });
    try {
      const out = await asTask(name, () => body(parsed.data));
      logger.info(`${name} done`, { output: out as unknown as Record<string, unknown> });
      return out;
    } catch (e) {
      logger.error(`${name} failed`, e as Error);
      throw e;
    }
  };
}
