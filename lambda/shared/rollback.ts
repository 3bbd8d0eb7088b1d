import { Color, otherColor } from './colors';
import { RollbackFailed } from './errors';
import { rollbackWeights, sameWeights, Weights } from './decisions/weights';
import { stickinessFor } from './decisions/stickiness';
import * as elb from './adapters/elb';
import * as ecs from './adapters/ecs';
import * as ledger from './adapters/ledger';
import { notify } from './adapters/notify';
import { recordDesiredCount, recordLiveColor } from './adapters/state';
import { Settings } from './settings';
import { sleep as realSleep, Sleep } from './retry';
import { totalCalls } from './adapters/clients';
import { setDnsWeights } from './adapters/route53';
import { DnsWeights, dnsWeightsAt } from './decisions/dns';

export interface RollbackRequest {
  /** Color to put all traffic on. */
  readonly target: Color;
  /** Healthy targets the target color needs before it takes traffic. */
  readonly requiredCount: number;
  readonly reason: string;
  readonly executionId: string;
  readonly trigger: 'cutover' | 'alarm' | 'manual';
  /** The cutover moved DNS off the legacy endpoint: send every client back to it first. */
  readonly dns?: boolean;
}

export interface RollbackResult {
  readonly target: Color;
  readonly weights: Weights;
  readonly scaledUp: boolean;
  readonly verifiedAtMs: number;
  readonly elapsedMs: number;
  /** AWS calls this action made before the weights were verified. */
  readonly callsToVerify: number;
  /** The process-wide call counter when the weights were verified (the benchmark clears it as an event enters). */
  readonly callCounterAtVerify: number;
  /** Record weights read back after DNS went back to the legacy endpoint. */
  readonly dns?: DnsWeights;
}

export interface RollbackOptions {
  /** How long scaling the target up may take. */
  readonly capacityTimeoutMs?: number;
  /** Read-backs before giving up on the weights. */
  readonly readbackAttempts?: number;
  readonly pause?: Sleep;
  readonly now?: () => number;
}

/**
 * The one rollback every path uses (cutover, alarm, operator). Idempotent:
 * running it twice leaves the same state. Order matters: capacity first (never
 * shift onto a scaled-down or unhealthy color), then absolute weights, then
 * read-back; the records come after traffic is safe.
 */
export async function rollbackTo(s: Settings, req: RollbackRequest, o: RollbackOptions = {}): Promise<RollbackResult> {
  const now = o.now ?? Date.now;
  const pause = o.pause ?? realSleep;
  const started = now();
  const callsAtStart = totalCalls();
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };
  const target = s.colors[req.target];

  // DNS first: the legacy endpoint is the known-good side of a legacy cutover.
  // A failure there still lets the listener roll back below, then fails the rollback.
  let dns: DnsWeights | undefined;
  let dnsError: unknown;
  if (req.dns && s.dns) {
    try {
      // No wait for propagation here: the listener must follow within seconds.
      dns = (await setDnsWeights(s.dns, dnsWeightsAt(0), { pollMs: s.pollMs, waitMs: 0, now })).readBack;
    } catch (e) {
      dnsError = e;
    }
  }

  let scaledUp = false;
  let health = await elb.targetHealth(target.targetGroupArn);
  if (health.healthy < req.requiredCount) {
    scaledUp = true;
    await ecs.updateService(s.cluster, target.service, req.requiredCount);
    const deadline = started + (o.capacityTimeoutMs ?? 10 * 60_000);
    while (health.healthy < req.requiredCount) {
      if (now() >= deadline) {
        throw new RollbackFailed(`${req.target} reached ${health.healthy} of ${req.requiredCount} healthy targets before the deadline; traffic was not moved onto it`);
      }
      await pause(s.pollMs);
      health = await elb.targetHealth(target.targetGroupArn);
    }
  }

  const wanted = rollbackWeights(req.target);
  // All traffic onto one color: stickiness off in the same change, or clients pinned to the failing color would stay on it.
  await elb.setWeights(s.listenerArn, tgs, wanted, stickinessFor({ to: wanted, newColor: otherColor(req.target) }, s.stickinessSeconds));
  let seen: Weights = await elb.readWeights(s.listenerArn, tgs);
  for (let i = 1; !sameWeights(seen, wanted); i++) {
    if (i >= (o.readbackAttempts ?? 10)) {
      throw new RollbackFailed(`the listener reports blue=${seen.blue} green=${seen.green} after setting blue=${wanted.blue} green=${wanted.green}`);
    }
    await pause(s.pollMs);
    seen = await elb.readWeights(s.listenerArn, tgs);
  }
  const verifiedAtMs = now();
  const callCounterAtVerify = totalCalls();
  const callsToVerify = callCounterAtVerify - callsAtStart;

  // Traffic is safe; now make the records match it.
  await recordLiveColor(s.parameters, req.target);
  if (scaledUp) await recordDesiredCount(s.parameters, req.target, req.requiredCount);
  await elb.setTestRoute(s.testRuleArn, tgs, otherColor(req.target));
  const pk = `${s.service}#${s.environment}`;
  const result: RollbackResult = { target: req.target, weights: seen, scaledUp, verifiedAtMs, elapsedMs: verifiedAtMs - started, callsToVerify, callCounterAtVerify, ...(dns ? { dns } : {}) };
  const why = dnsError === undefined ? undefined : dnsError instanceof Error ? `${dnsError.name}: ${dnsError.message}` : String(dnsError);
  const detail = { ...result, reason: req.reason, trigger: req.trigger, ...(why ? { dnsError: why } : {}) };
  await ledger.record(s.ledgerTable, pk, 'rollback', req.executionId, detail);
  await notify(s.topics.critical, `Switchyard ${s.service}-${s.environment}: rolled back to ${req.target}${why ? ', DNS NOT moved back' : ''}`, detail);
  if (why) {
    throw new RollbackFailed(`the listener is back on ${req.target}, but DNS could not be moved back to the legacy endpoint (${why}); set the weighted records of ${s.dns?.recordName} by hand: ${s.dns?.legacySetIdentifier} 100, ${s.dns?.albSetIdentifier} 0`);
  }
  return result;
}
