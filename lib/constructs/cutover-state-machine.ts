import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeStateMachineRole } from './cutover-functions';
import { DataSyncTasks, OneOffTask } from './data-sync-tasks';
import { ResourceNames } from '../naming';
import { IDLE_POLL_SECONDS } from '../../lambda/shared/decisions/limits';
import { flagOf, GateKind } from '../../lambda/shared/decisions/gate';

/** The handlers the cutover runs, by task folder. */
export interface CutoverFunctions {
  readonly validateInput: lambda.IFunction;
  readonly lock: lambda.IFunction;
  readonly preflight: lambda.IFunction;
  readonly deployIdle: lambda.IFunction;
  readonly smokeTest: lambda.IFunction;
  readonly traffic: lambda.IFunction;
  readonly promote: lambda.IFunction;
  readonly watch: lambda.IFunction;
  readonly scaleDown: lambda.IFunction;
  readonly rollback: lambda.IFunction;
  /** Approval gates: stores a waiting gate's token, answers approve, reject and timeouts. */
  readonly gate: lambda.IFunction;
  /** Pause and resume: holds a paused ramp (stores its token), pages when the pause runs long. */
  readonly pause: lambda.IFunction;
  /**
   * Takes or reuses a database snapshot before anything changes.
   * @default - no backup stage (no database configured)
   */
  readonly backup?: lambda.IFunction;
  /**
   * Turns maintenance mode on and off as stages.
   * @default - no maintenance stages
   */
  readonly maintenance?: lambda.IFunction;
  /**
   * Marks the sync stage and judges each sync task's outcome.
   * @default - no data sync stage
   */
  readonly dataSync?: lambda.IFunction;
}

/** The final data sync: ECS tasks run to completion inside maintenance mode. */
export interface DataSyncStage {
  /** Cluster the tasks run in. */
  readonly cluster: ecs.ICluster;
  /** The sync task and, optionally, its validation. */
  readonly tasks: DataSyncTasks;
  /** Longest the sync task may run. */
  readonly syncTimeout: Duration;
  /**
   * Longest the validation task may run.
   * @default Duration.minutes(10)
   */
  readonly validationTimeout?: Duration;
}

/** Properties of {@link CutoverStateMachine}. */
export interface CutoverStateMachineProps {
  /** `service-environment`, the start of the state machine's name. */
  readonly namePrefix: string;
  /** The task handlers. */
  readonly functions: CutoverFunctions;
  /** Topic a failed rollback pages. */
  readonly criticalTopic: sns.ITopic;
  /** Seconds the ALB drains a deregistering target; the old color is scaled down only after it. */
  readonly deregistrationDelaySeconds: number;
  /**
   * Longest an execution may run. A timeout skips every Catch (no rollback,
   * no release), so it must cover the longest plan validate-input accepts;
   * the lock outlives it. Derive it with `executionTimeoutSeconds` from the
   * environment's stages (lambda/shared/decisions/limits.ts).
   */
  readonly timeout: Duration;
  /**
   * Seconds between readiness checks of the idle color.
   * @default 30 (IDLE_POLL_SECONDS; the execution limits count idle checks at this interval, so it may not be shorter)
   */
  readonly idlePollSeconds?: number;
  /**
   * The final data sync stage (needs the maintenance and dataSync functions).
   * @default - no data sync stage
   */
  readonly dataSync?: DataSyncStage;
  /**
   * Retention of the execution log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Errors a Lambda invocation can fail with before or around the handler; safe to retry. */
const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'Lambda.Unknown'];

export const CUTOVER_INPUT_DOC =
  'Start a cutover. Input: {"image": "repo/app:1.2.3" (optional: omit to cut over to what the idle color runs), ' +
  '"strategy": "canary" | "linear" | "all-at-once" (or "steps": [10, 50, 100]), "bakeSeconds": 300, "watchWindowHours": 24, ' +
  '"reason": "release 1.2.3" (required), "dryRun": false, "dataSync": true (run the configured final data sync; default when one is configured), ' +
  '"maintenance": false (freeze writes until traffic first moves; default: on with the sync), ' +
  '"approvals": {"at": ["before-first-shift", "after-step:1", "before-promotion", "before-scale-down"], "timeoutMinutes": 60, "onTimeout": "rollback" | "hold"} (added to the environment\'s gates)}. Unknown fields are rejected.';

/**
 * The cutover: validate, lock, pre-flight, deploy the idle color, wait until it
 * is healthy, smoke-test it, ramp with verified weights and a bake per step,
 * promote, watch, scale the old color down. Every exit after traffic moved
 * ends in Succeeded, RolledBack or RollbackFailed; the lock is released on
 * every path. JSONPath only, so the synthesized definition runs offline.
 */
export class CutoverStateMachine extends Construct {
  /** The state machine operators start. */
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: CutoverStateMachineProps) {
    super(scope, id);
    const f = props.functions;
    if (props.dataSync && (!f.dataSync || !f.maintenance)) {
      throw new Error('CutoverStateMachine: a dataSync stage needs functions.dataSync and functions.maintenance; pass both or leave dataSync out');
    }
    if ((props.idlePollSeconds ?? IDLE_POLL_SECONDS) < IDLE_POLL_SECONDS) {
      throw new Error(`CutoverStateMachine: idlePollSeconds must be at least ${IDLE_POLL_SECONDS}; the execution limits (history events) count idle checks at that interval`);
    }

    /** A Lambda Task: the execution id, `extra` and the whole state in; retried on Lambda's own transient errors; other errors to `onError` with the error at $.error. */
    const task = (name: string, fn: lambda.IFunction, resultPath: string, timeout: Duration, extra: Record<string, unknown> = {}, onError?: sfn.IChainable, payload?: sfn.TaskInput) => {
      const t = new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        payload: payload ?? sfn.TaskInput.fromObject({ executionId: sfn.JsonPath.executionId, ...extra, state: sfn.JsonPath.entirePayload }),
        resultPath,
        taskTimeout: sfn.Timeout.duration(timeout),
      });
      t.addRetry({ errors: LAMBDA_TRANSIENT, interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
      if (onError) t.addCatch(onError, { resultPath: '$.error' });
      return t;
    };
    const fail = (name: string, error: string | undefined, causePath: string, errorPath?: string) =>
      new sfn.Fail(this, name, { error, errorPath, causePath });
    const release = (name: string, outcome: string, next: sfn.IChainable) => {
      const t = task(name, f.lock, '$.release', Duration.seconds(30), { action: 'release', outcome });
      // A failed release cannot change the outcome; the lock's expiry frees it.
      t.addCatch(next, { resultPath: '$.releaseError' });
      return t.next(next);
    };

    // Terminal states.
    const succeeded = new sfn.Succeed(this, 'Succeeded');
    const dryRunPassed = new sfn.Succeed(this, 'DryRunPassed');
    const invalidInput = fail('InvalidInput', undefined, '$.error.Cause', '$.error.Error');
    const alreadyRunning = fail('CutoverAlreadyRunning', undefined, '$.error.Cause', '$.error.Error');
    const noGo = fail('PreflightNoGo', 'PreflightNoGo', '$.preflight.summary');
    const aborted = fail('AbortedBeforeTraffic', undefined, '$.error.Cause', '$.error.Error');
    // The rollback's reason names the error that caused it and its message.
    const rolledBack = fail('RolledBack', 'RolledBack', '$.rollback.reason');
    const rollbackFailed = fail('RollbackFailed', 'RollbackFailed', '$.rollbackError.Cause');
    const scaleDownFailed = fail('ScaleDownFailed', 'ScaleDownFailed', '$.scaleDownError.Cause');

    // Rollback: one task, used by every failure after traffic may have moved.
    const page = new tasks.SnsPublish(this, 'PageRollbackFailed', {
      topic: props.criticalTopic,
      subject: `Switchyard ${props.namePrefix}: ROLLBACK FAILED`,
      message: sfn.TaskInput.fromObject({ execution: sfn.JsonPath.executionId, error: sfn.JsonPath.objectAt('$.rollbackError'), cause: sfn.JsonPath.objectAt('$.error') }),
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(30)),
    });
    page.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });
    const releaseRollbackFailed = release('ReleaseAfterRollbackFailed', 'RollbackFailed', rollbackFailed);
    page.addCatch(releaseRollbackFailed, { resultPath: '$.pageError' });
    page.next(releaseRollbackFailed);

    const rollback = task('Rollback', f.rollback, '$.rollback', Duration.minutes(14), { source: 'cutover' });
    rollback.addRetry({ errors: ['States.Timeout', 'WeightsNotApplied'], interval: Duration.seconds(1), maxAttempts: 1 });
    rollback.addCatch(page, { resultPath: '$.rollbackError' });
    rollback.next(release('ReleaseAfterRollback', 'RolledBack', rolledBack));

    // Before traffic moves: put the idle color back and stop.
    const abort = task('AbortBeforeTraffic', f.deployIdle, '$.abort', Duration.minutes(2), { action: 'abort' });
    const releaseAborted = release('ReleaseAfterAbort', 'Aborted', aborted);
    abort.addCatch(releaseAborted, { resultPath: '$.abortError' });
    abort.next(releaseAborted);

    // The raw input goes in on its own: the validator must see exactly what the operator sent.
    const validate = task('ValidateInput', f.validateInput, '$.plan', Duration.seconds(30), {}, invalidInput, sfn.TaskInput.fromObject({ executionId: sfn.JsonPath.executionId, input: sfn.JsonPath.entirePayload }));
    const acquire = task('AcquireLock', f.lock, '$.lock', Duration.seconds(30), { action: 'acquire' });
    acquire.addCatch(alreadyRunning, { errors: ['LockHeld'], resultPath: '$.error' });
    // Any other failure may come after the lock was written: the abort path releases it.
    acquire.addCatch(abort, { resultPath: '$.error' });
    const preflight = task('Preflight', f.preflight, '$.preflight', Duration.minutes(2), {}, abort);
    const deploy = task('DeployIdle', f.deployIdle, '$.deploy', Duration.minutes(2), { action: 'deploy' }, abort);
    const waitIdle = new sfn.Wait(this, 'WaitForIdle', { time: sfn.WaitTime.duration(Duration.seconds(props.idlePollSeconds ?? IDLE_POLL_SECONDS)) });
    const checkIdle = task('CheckIdle', f.deployIdle, '$.idle', Duration.minutes(1), { action: 'status' }, abort);
    const smoke = task('SmokeTest', f.smokeTest, '$.smoke', Duration.minutes(10), {}, abort);

    const restoreAfterDryRun = task('RestoreIdleAfterDryRun', f.deployIdle, '$.abort', Duration.minutes(2), { action: 'abort' });
    const releaseDryRun = release('ReleaseAfterDryRun', 'DryRunPassed', dryRunPassed);
    restoreAfterDryRun.addCatch(releaseDryRun, { resultPath: '$.abortError' });
    restoreAfterDryRun.next(releaseDryRun);

    const shift = task('ShiftTraffic', f.traffic, '$.ramp', Duration.minutes(1), { action: 'shift' }, rollback);
    const bake = new sfn.Wait(this, 'Bake', { time: sfn.WaitTime.secondsPath('$.plan.bakeSeconds') });
    const checkStep = task('CheckStep', f.traffic, '$.check', Duration.minutes(1), { action: 'check' }, rollback);
    const promote = task('Promote', f.promote, '$.promotion', Duration.minutes(1), {}, rollback);

    /**
     * An approval gate: the gate function stores the task token with the lock
     * and tells the approvers; approve resumes here, reject or an alarm fails
     * it (to `onFail`). A timeout rolls back, or with onTimeout hold pages and
     * waits again until approvals.holdMaxHours.
     */
    const gate = (kind: GateKind, onFail: sfn.IChainable) => {
      const id = kind.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
      const wait = new tasks.LambdaInvoke(this, `Approval${id}`, {
        lambdaFunction: f.gate,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        retryOnServiceExceptions: false,
        payload: sfn.TaskInput.fromObject({ action: 'open', executionId: sfn.JsonPath.executionId, kind, taskToken: sfn.JsonPath.taskToken, state: sfn.JsonPath.entirePayload }),
        resultPath: '$.approval',
        taskTimeout: sfn.Timeout.at('$.plan.approvals.timeoutSeconds'),
      });
      wait.addRetry({ errors: LAMBDA_TRANSIENT, interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
      // The timeout task returns only to hold (and waits again); a rollback decision fails it to onFail.
      const timedOut = task(`Approval${id}TimedOut`, f.gate, '$.gateHold', Duration.seconds(30), { action: 'timeout', kind }, onFail);
      wait.addCatch(timedOut, { errors: ['States.Timeout'], resultPath: '$.gateTimeout' });
      wait.addCatch(onFail, { resultPath: '$.error' });
      timedOut.next(wait);
      return wait;
    };
    const gateAt = (name: string) => sfn.Condition.isPresent(`$.plan.approvals.flags.${flagOf(name)}`);
    // Whether a gate follows the step just passed: one rule per possible step (the input allows 20).
    const gateAfterStep = sfn.Condition.or(...Array.from({ length: 19 }, (_, i) => sfn.Condition.and(sfn.Condition.numberEquals('$.ramp.index', i), gateAt(`after-step:${i + 1}`))));

    /**
     * A paused ramp: the step check found an operator's pause. The pause
     * function stores the task token with the lock; resume releases it, back
     * to the step check (which judges again); an alarm fails it, to rollback.
     * Each pageAfterMinutes it pages, and past maxHours it rolls back.
     */
    const paused = new tasks.LambdaInvoke(this, 'Paused', {
      lambdaFunction: f.pause,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({ action: 'hold', executionId: sfn.JsonPath.executionId, taskToken: sfn.JsonPath.taskToken, state: sfn.JsonPath.entirePayload }),
      resultPath: '$.resumed',
      taskTimeout: sfn.Timeout.at('$.plan.pause.pageAfterSeconds'),
    });
    paused.addRetry({ errors: LAMBDA_TRANSIENT, interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    const pauseOverdue = task('PauseOverdue', f.pause, '$.pauseOverdue', Duration.seconds(30), { action: 'overdue' }, rollback);
    paused.addCatch(pauseOverdue, { errors: ['States.Timeout'], resultPath: '$.pauseTimeout' });
    paused.addCatch(rollback, { resultPath: '$.error' });
    pauseOverdue.next(paused);
    paused.next(checkStep);

    const tick = task('WatchTick', f.watch, '$.watch', Duration.minutes(2), { action: 'tick' }, rollback);
    const watchWait = new sfn.Wait(this, 'WatchWait', { time: sfn.WaitTime.secondsPath('$.watch.nextWaitSeconds') });
    const drain = new sfn.Wait(this, 'DrainOldColor', { time: sfn.WaitTime.duration(Duration.seconds(props.deregistrationDelaySeconds + 10)) });
    const scaleDown = task('ScaleDownOldColor', f.scaleDown, '$.scaleDown', Duration.minutes(1));
    scaleDown.addCatch(release('ReleaseAfterScaleDownFailed', 'ScaleDownFailed', scaleDownFailed), { resultPath: '$.scaleDownError' });

    // Backup first, when there is a database: a snapshot exists before anything changes.
    let afterGo: sfn.IChainable = deploy;
    if (f.backup) {
      const ensure = task('TakeBackup', f.backup, '$.backup', Duration.minutes(1), { action: 'ensure' }, abort);
      const waitBackup = new sfn.Wait(this, 'WaitForBackup', { time: sfn.WaitTime.duration(Duration.seconds(60)) });
      const checkBackup = task('CheckBackup', f.backup, '$.backup', Duration.minutes(1), { action: 'status' }, abort);
      const ready = new sfn.Choice(this, 'BackupReady?').when(sfn.Condition.booleanEquals('$.backup.ready', true), deploy).otherwise(waitBackup);
      ensure.next(ready);
      waitBackup.next(checkBackup).next(ready);
      afterGo = ensure;
    }
    const definition = validate
      .next(acquire)
      .next(preflight)
      .next(
        new sfn.Choice(this, 'Go?')
          .when(sfn.Condition.booleanEquals('$.preflight.go', true), afterGo)
          .otherwise(release('ReleaseAfterNoGo', 'PreflightNoGo', noGo)),
      );
    deploy.next(waitIdle).next(checkIdle).next(
      new sfn.Choice(this, 'IdleReady?').when(sfn.Condition.booleanEquals('$.idle.ready', true), smoke).otherwise(waitIdle),
    );
    // Maintenance and the final data sync sit between the smoke test and the first shift.
    let firstShift: sfn.IChainable = shift;
    let afterShift: sfn.IChainable = bake;
    if (f.maintenance) {
      const on = task('MaintenanceOn', f.maintenance, '$.maintenance', Duration.seconds(30), {}, abort, sfn.TaskInput.fromObject({ action: 'on', reason: sfn.JsonPath.stringAt('$.plan.reason'), by: sfn.JsonPath.executionId }));
      let afterOn: sfn.IChainable = shift;
      if (props.dataSync && f.dataSync) afterOn = new sfn.Choice(this, 'DataSync?').when(sfn.Condition.booleanEquals('$.plan.dataSync', true), this.syncStage(props.dataSync, f.dataSync, task, abort, shift)).otherwise(shift);
      on.next(afterOn);
      firstShift = new sfn.Choice(this, 'Maintenance?').when(sfn.Condition.booleanEquals('$.plan.maintenance', true), on).otherwise(shift);
      // Writes resume once traffic first reaches the new color.
      const off = task('MaintenanceOff', f.maintenance, '$.maintenance', Duration.seconds(30), {}, rollback, sfn.TaskInput.fromObject({ action: 'off', by: sfn.JsonPath.executionId, why: 'traffic moved to the new color' }));
      off.next(bake);
      afterShift = new sfn.Choice(this, 'MaintenanceStillOn?').when(sfn.Condition.isPresent('$.maintenance.onAtMs'), off).otherwise(bake);
    }
    shift.next(afterShift);
    // An inconclusive verdict (too little evidence yet, or a hold) bakes again; the check counts its looks.
    // Gates sit in the Choices that already lead on, so a cutover without gates pays no extra transition.
    const done = sfn.Condition.booleanEquals('$.ramp.done', true);
    const moreSteps = new sfn.Choice(this, 'MoreSteps?')
      .when(sfn.Condition.and(done, gateAt('before-promotion')), gate('before-promotion', rollback).next(promote))
      .when(done, promote)
      .when(gateAfterStep, gate('after-step', rollback).next(shift))
      .otherwise(shift);
    bake.next(checkStep).next(
      new sfn.Choice(this, 'BakeAgain?').when(sfn.Condition.booleanEquals('$.check.paused', true), paused).when(sfn.Condition.booleanEquals('$.check.extend', true), bake).otherwise(moreSteps),
    );
    const watched = sfn.Condition.booleanEquals('$.watch.done', true);
    promote.next(tick).next(
      new sfn.Choice(this, 'WatchDone?')
        .when(sfn.Condition.and(watched, gateAt('before-scale-down')), gate('before-scale-down', rollback).next(drain))
        .when(watched, drain)
        .otherwise(watchWait.next(tick)),
    );
    // Nothing has moved before the first shift: a reject or timeout there puts the idle color back.
    smoke.next(
      new sfn.Choice(this, 'DryRun?')
        .when(sfn.Condition.booleanEquals('$.plan.dryRun', true), restoreAfterDryRun)
        .when(gateAt('before-first-shift'), gate('before-first-shift', abort).next(firstShift))
        .otherwise(firstShift),
    );
    drain.next(scaleDown).next(release('ReleaseAfterSuccess', 'Succeeded', succeeded));

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: new ResourceNames(props.namePrefix).stateMachineLogGroup('cutover'),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: new ResourceNames(props.namePrefix).stateMachine('cutover'),
      comment: CUTOVER_INPUT_DOC,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      // The longest plan validate-input accepts, every stage at its deadline.
      timeout: props.timeout,
    });
    // SnsPublish grants sns:Publish only; the topic is KMS-encrypted, so the key is needed too.
    props.criticalTopic.grantPublish(this.stateMachine.role);
    acknowledgeStateMachineRole(this.stateMachine.role, Object.values(f).filter((x): x is lambda.IFunction => x !== undefined), props.dataSync !== undefined);
  }

  /**
   * BeginSync → SyncData → CheckSync → [ValidateSync → CheckValidation] → EndSync.
   * Each task's outcome, success or failure, goes to its check, which records
   * the exit code and log stream and fails with a named error.
   */
  private syncStage(
    d: DataSyncStage,
    fn: lambda.IFunction,
    task: (name: string, fn: lambda.IFunction, resultPath: string, timeout: Duration, extra?: Record<string, unknown>, onError?: sfn.IChainable, payload?: sfn.TaskInput) => tasks.LambdaInvoke,
    abort: sfn.IChainable,
    next: sfn.IChainable,
  ): sfn.IChainable {
    const run = (name: string, t: OneOffTask, timeout: Duration) =>
      new tasks.EcsRunTask(this, name, {
        integrationPattern: sfn.IntegrationPattern.RUN_JOB,
        cluster: d.cluster,
        taskDefinition: t.taskDefinition,
        launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [d.tasks.securityGroup],
        assignPublicIp: false,
        containerOverrides: [{ containerDefinition: t.container, environment: [{ name: 'SWITCHYARD_EXECUTION', value: sfn.JsonPath.executionId }] }],
        resultPath: '$.syncTask',
        taskTimeout: sfn.Timeout.duration(timeout),
      });
    const check = (name: string, stage: 'sync' | 'validation') =>
      task(name, fn, `$.${stage}`, Duration.minutes(1), {}, abort, sfn.TaskInput.fromObject({ action: 'outcome', executionId: sfn.JsonPath.executionId, stage, result: sfn.JsonPath.objectAt('$.syncTask') }));

    const begin = task('BeginSync', fn, '$.syncStage', Duration.seconds(30), {}, abort, sfn.TaskInput.fromObject({ action: 'begin', executionId: sfn.JsonPath.executionId }));
    const end = task('EndSync', fn, '$.syncStage', Duration.seconds(30), {}, abort, sfn.TaskInput.fromObject({ action: 'end', executionId: sfn.JsonPath.executionId }));
    const syncTask = run('SyncData', d.tasks.sync, d.syncTimeout);
    const checkSync = check('CheckSync', 'sync');
    // Not retried: a sync is not assumed to be safe to run twice.
    syncTask.addCatch(checkSync, { resultPath: '$.syncTask' });
    begin.next(syncTask).next(checkSync);
    if (d.tasks.validation) {
      const validate = run('ValidateSync', d.tasks.validation, d.validationTimeout ?? Duration.minutes(10));
      const checkValidation = check('CheckValidation', 'validation');
      validate.addCatch(checkValidation, { resultPath: '$.syncTask' });
      checkSync.next(validate).next(checkValidation).next(end);
    } else {
      checkSync.next(end);
    }
    end.next(next);
    return begin;
  }
}
