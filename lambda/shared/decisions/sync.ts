/** Stages of the final data sync, each one ECS task run to completion. */
export type SyncStage = 'sync' | 'validation';

/** What an ECS task run told Step Functions: its description, or the error it failed with. */
export interface TaskFacts {
  readonly taskArn?: string;
  /** Exit code of the essential container; null when it never ran or never exited. */
  readonly exitCode: number | null;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  /** Step Functions' error name when the Task state failed (States.TaskFailed, States.Timeout, ECS.*). */
  readonly error?: string;
  /** The failure's text when it carried no task description. */
  readonly message?: string;
}

export interface TaskLogs {
  readonly logGroup: string;
  readonly streamPrefix: string;
  readonly container: string;
}

export interface SyncVerdict {
  readonly ok: boolean;
  readonly stage: SyncStage;
  /** Named error the cutover fails with. */
  readonly error?: 'DataSyncFailed' | 'SyncValidationFailed';
  readonly reason: string;
  readonly exitCode: number | null;
  readonly taskArn?: string;
  readonly logGroup: string;
  /** awslogs stream of this task, when its id is known. */
  readonly logStream?: string;
}

type Loose = Record<string, unknown>;
/** Step Functions hands ECS descriptions over in PascalCase; the SDK uses camelCase. Accept both. */
const field = (o: Loose | undefined, name: string): unknown => (o ? (o[name] ?? o[name[0].toLowerCase() + name.slice(1)]) : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

function fromDescription(d: Loose, container: string): TaskFacts {
  const containers = (field(d, 'Containers') as Loose[] | undefined) ?? [];
  const mine = containers.find((c) => field(c, 'Name') === container) ?? containers[0];
  const code = field(mine, 'ExitCode');
  return {
    taskArn: str(field(d, 'TaskArn')),
    exitCode: typeof code === 'number' ? code : null,
    stopCode: str(field(d, 'StopCode')),
    stoppedReason: str(field(d, 'StoppedReason')) ?? str(field(mine, 'Reason')),
  };
}

/**
 * Reads a Task state's result: the ECS task description on success, or the
 * caught `{Error, Cause}` on failure, whose Cause is the task description as
 * JSON when the task ran, and plain text otherwise.
 */
export function taskFacts(result: unknown, container: string): TaskFacts {
  if (!isObject(result)) return { exitCode: null, error: 'Unknown', message: 'the task returned nothing' };
  const error = str(result.Error);
  if (error === undefined) return fromDescription(result, container);
  const cause = str(result.Cause) ?? '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (isObject(parsed) && field(parsed, 'TaskArn') !== undefined) return { ...fromDescription(parsed, container), error };
  } catch {
    // Not JSON: a timeout or an API error, reported as text below.
  }
  return { exitCode: null, error, message: cause || error };
}

/** Whether a sync stage passed: the task ran and its container exited 0. Pure. */
export function syncVerdict(stage: SyncStage, f: TaskFacts, logs: TaskLogs): SyncVerdict {
  const taskId = f.taskArn?.split('/').pop();
  const where = { logGroup: logs.logGroup, logStream: taskId ? `${logs.streamPrefix}/${logs.container}/${taskId}` : undefined };
  const ok = f.error === undefined && f.exitCode === 0;
  const what = stage === 'sync' ? 'the final data sync' : 'the sync validation';
  let reason: string;
  if (ok) reason = `${what} exited 0`;
  else if (f.exitCode !== null) reason = `${what} exited ${f.exitCode}${f.stoppedReason ? ` (${f.stoppedReason})` : ''}`;
  else if (f.stopCode || f.stoppedReason) reason = `${what} stopped before its container exited: ${[f.stopCode, f.stoppedReason].filter(Boolean).join(', ')}`;
  else reason = `${what} did not run to completion: ${f.error ?? 'no exit code'}${f.message && f.message !== f.error ? ` (${f.message})` : ''}`;
  const logs_ = where.logStream ? `logs: ${where.logGroup} ${where.logStream}` : `logs: ${where.logGroup}`;
  return {
    ok,
    stage,
    error: ok ? undefined : stage === 'sync' ? 'DataSyncFailed' : 'SyncValidationFailed',
    reason: ok ? reason : `${reason}; ${logs_}`,
    exitCode: f.exitCode,
    taskArn: f.taskArn,
    ...where,
  };
}

/** How long the sync stage may hold maintenance on: both tasks' timeouts and 5 minutes to start them. */
export function syncStageSeconds(d: { readonly sync: { readonly timeoutSeconds: number }; readonly validation?: { readonly timeoutSeconds: number } }): number {
  return d.sync.timeoutSeconds + (d.validation?.timeoutSeconds ?? 0) + 300;
}
