/**
 * Named errors. Step Functions routes Retry and Catch on `name`, so every
 * failure a state machine must tell apart has its own class.
 */
export class CutoverError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const named = (name: string) =>
  class extends CutoverError {
    constructor(message: string) {
      super(name, message);
    }
  };

/** The execution input is not a valid cutover request. */
export const InvalidInput = named('InvalidInput');
/** The input's image is not in a repository service.allowedImages allows; refused before any AWS change. */
export const ImageNotAllowed = named('ImageNotAllowed');
/** The image's tag or digest is not in its ECR repository, so it cannot be pinned (or run). */
export const ImageNotFound = named('ImageNotFound');
/** Another cutover holds the service's lock. */
export const LockHeld = named('LockHeld');
/** Pre-flight found a reason not to start. */
export const PreflightNoGo = named('PreflightNoGo');
/** The idle color did not become stable and healthy before its deadline. */
export const IdleNeverHealthy = named('IdleNeverHealthy');
/** The idle color's deployment failed (the ECS deployment circuit breaker failed it or rolled it back): no use waiting for the deadline. */
export const IdleDeploymentFailed = named('IdleDeploymentFailed');
/** A smoke check or the load burst failed. */
export const SmokeTestFailed = named('SmokeTestFailed');
/** The smoke test's requests would reach, or reached, the live color instead of the idle one: nothing it found can be trusted. */
export const SmokeRoutedToLiveColor = named('SmokeRoutedToLiveColor');
/** The load balancer did not report the weights that were set. */
export const WeightsNotApplied = named('WeightsNotApplied');
/** A rollback alarm of the new color is in ALARM. */
export const AlarmBreached = named('AlarmBreached');
/** The new color served too few requests during a bake to judge it. */
export const InsufficientTraffic = named('InsufficientTraffic');
/** The judge found the new color worse than the old one by at least the margin. */
export const JudgedWorse = named('JudgedWorse');
/** The new color fails more requests than the absolute ceiling allows. */
export const AboveCeiling = named('AboveCeiling');
/** Both colors fail above the ceiling (a shared dependency), and the judge rolls back or the hold ran out. */
export const BothColorsBad = named('BothColorsBad');
/** Pre-flight: at the recent request rate even the longest bake cannot give the first step enough evidence. */
export const CanaryTooThin = named('CanaryTooThin');
/** An alarm already rolled traffic back while this execution was running. */
export const RolledBackByAlarm = named('RolledBackByAlarm');
/** The previous color could not be given healthy capacity, or weights could not be restored. */
export const RollbackFailed = named('RollbackFailed');
/** The final data sync task failed, timed out or could not start. */
export const DataSyncFailed = named('DataSyncFailed');
/** The validation task after the sync exited non-zero (source and target differ). */
export const SyncValidationFailed = named('SyncValidationFailed');
/** A stage that needs maintenance mode on found it off. */
export const MaintenanceNotOn = named('MaintenanceNotOn');
/** The DNS record set is not ready for a ramp (missing, or its TTL is too long). */
export const DnsNotReady = named('DnsNotReady');
/** Route 53 did not report the record weights that were set. */
export const DnsWeightsNotApplied = named('DnsWeightsNotApplied');
/** An approver rejected the cutover at a gate. */
export const ApprovalRejected = named('ApprovalRejected');
/** Nobody answered a gate in time (approvals.onTimeout: rollback, or a hold that reached approvals.holdMaxHours). */
export const ApprovalTimedOut = named('ApprovalTimedOut');
/** An approve or reject found no cutover running in the environment. */
export const NoCutoverRunning = named('NoCutoverRunning');
/** An approve or reject found the running cutover waiting at no gate (answered already, timed out, rolled back, or not there yet). */
export const NoGateWaiting = named('NoGateWaiting');
/** An approve or reject named an execution or gate that is not the one waiting. */
export const StaleApproval = named('StaleApproval');
/** requireDistinctApprover: the cutover's starter tried to approve it. */
export const ApproverNotDistinct = named('ApproverNotDistinct');
/** An approve or reject needs a reason here. */
export const ReasonRequired = named('ReasonRequired');
/** The start falls outside every change window (changeWindows); the message says when the next opens. */
export const OutsideChangeWindow = named('OutsideChangeWindow');
/** The start falls inside a change freeze (freezes); the message says when the next window opens. */
export const ChangeFreeze = named('ChangeFreeze');
/** changeWindowOverrun refuse: the cutover is expected to finish after its window closes. */
export const WindowTooShort = named('WindowTooShort');
/** A required setting is missing from the function's environment. */
export const MisconfiguredFunction = named('MisconfiguredFunction');

/** AWS error names that mean "slow down", on any service. */
const THROTTLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

export function isThrottle(e: unknown): boolean {
  return e instanceof Error && THROTTLE_NAMES.has(e.name);
}

/** The cutover stayed paused longer than cutover.pause.maxHours, all its pauses together: it rolls back. */
export const PausedTooLong = named('PausedTooLong');
/** Pause or resume named an execution that is not the running cutover. */
export const StalePause = named('StalePause');
/** Pause refused: the cutover is not ramping (traffic has not moved yet, or it was promoted). */
export const NotRamping = named('NotRamping');
/** Pause refused: the cutover is already paused. */
export const AlreadyPaused = named('AlreadyPaused');
/** Resume refused: the cutover is not paused. */
export const NotPaused = named('NotPaused');
/** Pause refused: the cutover took as many pauses as cutover.pause.maxPauses allows. */
export const TooManyPauses = named('TooManyPauses');
