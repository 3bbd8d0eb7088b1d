import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { awsCall, sdkClient } from './clients';

/** The Step Functions client the adapters use (a field, so the rehearsal can answer its calls locally). */
export const clients = { sfn: sdkClient('sfn', (c) => new SFNClient(c)) };

/** Resumes a Task waiting for its token (an approved gate) with `output`. */
export async function sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<void> {
  await awsCall('states:SendTaskSuccess', () => clients.sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })));
}

/** Fails a Task waiting for its token with a named error, which the state machine's Catch routes. */
export async function sendTaskFailure(token: string, error: string, cause: string): Promise<void> {
  await awsCall('states:SendTaskFailure', () => clients.sfn().send(new SendTaskFailureCommand({ taskToken: token, error, cause: cause.slice(0, 32_000) })));
}

/** True when Step Functions refused a token because its Task is gone (timed out, closed, or never existed). */
export function staleToken(e: unknown): boolean {
  return e instanceof Error && ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(e.name);
}
