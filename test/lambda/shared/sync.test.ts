import { syncVerdict, taskFacts } from '../../../lambda/shared/decisions/sync';

const logs = { logGroup: '/switchyard/shop/dev/sync', streamPrefix: 'sync', container: 'sync' };
const arn = 'arn:aws:ecs:eu-west-1:111111111111:task/shop-dev/abc123';

describe('taskFacts: every shape a Task state hands over', () => {
  it('nothing, or not an object: Unknown', () => {
    for (const r of [undefined, null, 'text', 7, [1, 2]]) expect(taskFacts(r, 'sync')).toEqual({ exitCode: null, error: 'Unknown', message: 'the task returned nothing' });
  });

  it('a description in PascalCase (Step Functions) or camelCase (SDK), its container by name, else the first', () => {
    const pascal = { TaskArn: arn, StopCode: 'EssentialContainerExited', Containers: [{ Name: 'sidecar', ExitCode: 0 }, { Name: 'sync', ExitCode: 3, Reason: 'OOM' }] };
    expect(taskFacts(pascal, 'sync')).toEqual({ taskArn: arn, exitCode: 3, stopCode: 'EssentialContainerExited', stoppedReason: 'OOM' });
    expect(taskFacts({ taskArn: arn, stoppedReason: 'stopped by user', containers: [{ name: 'other', exitCode: 0 }] }, 'sync')).toEqual({ taskArn: arn, exitCode: 0, stopCode: undefined, stoppedReason: 'stopped by user' });
    // No exit code (never started), no containers at all.
    expect(taskFacts({ TaskArn: 5, Containers: [{ Name: 'sync', ExitCode: 'x' }] }, 'sync')).toEqual({ taskArn: undefined, exitCode: null, stopCode: undefined, stoppedReason: undefined });
    expect(taskFacts({}, 'sync')).toEqual({ taskArn: undefined, exitCode: null, stopCode: undefined, stoppedReason: undefined });
  });

  it('a caught error whose Cause is the task as JSON: the task, and the error', () => {
    const cause = JSON.stringify({ TaskArn: arn, Containers: [{ Name: 'sync', ExitCode: 1 }] });
    expect(taskFacts({ Error: 'States.TaskFailed', Cause: cause }, 'sync')).toEqual({ taskArn: arn, exitCode: 1, stopCode: undefined, stoppedReason: undefined, error: 'States.TaskFailed' });
  });

  it('a caught error with a text Cause, JSON that is not a task, or no Cause: the error with its message', () => {
    expect(taskFacts({ Error: 'States.Timeout', Cause: 'timed out' }, 'sync')).toEqual({ exitCode: null, error: 'States.Timeout', message: 'timed out' });
    expect(taskFacts({ Error: 'E', Cause: '{"Other":1}' }, 'sync')).toEqual({ exitCode: null, error: 'E', message: '{"Other":1}' });
    expect(taskFacts({ Error: 'E', Cause: '[1]' }, 'sync')).toEqual({ exitCode: null, error: 'E', message: '[1]' });
    expect(taskFacts({ Error: 'E', Cause: 'null' }, 'sync')).toEqual({ exitCode: null, error: 'E', message: 'null' });
    expect(taskFacts({ Error: 'E' }, 'sync')).toEqual({ exitCode: null, error: 'E', message: 'E' });
    expect(taskFacts({ Error: 'E', Cause: 3 }, 'sync')).toEqual({ exitCode: null, error: 'E', message: 'E' });
  });
});

describe('syncVerdict: the words', () => {
  it('exit 0 passes, naming the task\'s log stream', () => {
    expect(syncVerdict('sync', { taskArn: arn, exitCode: 0 }, logs)).toEqual({ ok: true, stage: 'sync', error: undefined, reason: 'the final data sync exited 0', exitCode: 0, taskArn: arn, logGroup: logs.logGroup, logStream: 'sync/sync/abc123' });
  });

  it('a non-zero exit, with and without a reason', () => {
    expect(syncVerdict('validation', { taskArn: arn, exitCode: 2, stoppedReason: 'rows differ' }, logs)).toMatchObject({ ok: false, error: 'SyncValidationFailed', reason: 'the sync validation exited 2 (rows differ); logs: /switchyard/shop/dev/sync sync/sync/abc123' });
    expect(syncVerdict('sync', { taskArn: arn, exitCode: 2 }, logs).reason).toBe('the final data sync exited 2; logs: /switchyard/shop/dev/sync sync/sync/abc123');
  });

  it('stopped before exiting: the stop code and reason that are known', () => {
    expect(syncVerdict('sync', { exitCode: null, stopCode: 'TaskFailedToStart' }, logs).reason).toBe('the final data sync stopped before its container exited: TaskFailedToStart; logs: /switchyard/shop/dev/sync');
    expect(syncVerdict('sync', { exitCode: null, stoppedReason: 'no capacity' }, logs).reason).toBe('the final data sync stopped before its container exited: no capacity; logs: /switchyard/shop/dev/sync');
  });

  it('did not run: the error, and its message when it says more', () => {
    expect(syncVerdict('sync', { exitCode: null, error: 'States.Timeout', message: 'timed out' }, logs)).toMatchObject({ ok: false, error: 'DataSyncFailed', reason: 'the final data sync did not run to completion: States.Timeout (timed out); logs: /switchyard/shop/dev/sync' });
    expect(syncVerdict('sync', { exitCode: null, error: 'E', message: 'E' }, logs).reason).toBe('the final data sync did not run to completion: E; logs: /switchyard/shop/dev/sync');
    expect(syncVerdict('sync', { exitCode: null }, logs).reason).toBe('the final data sync did not run to completion: no exit code; logs: /switchyard/shop/dev/sync');
  });

  it('an exit code 0 with an error is a failure', () => {
    expect(syncVerdict('sync', { taskArn: arn, exitCode: 0, error: 'States.TaskFailed' }, logs)).toMatchObject({ ok: false, error: 'DataSyncFailed' });
  });
});
