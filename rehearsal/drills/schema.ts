import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { formatIssues } from '../../lib/config/load';
import { faultSchema, trafficSchema } from '../traffic/schema';

/**
 * A drill: a user's own scenario in a file. Which environment and what to
 * change in its config, the cutover input, the traffic, the faults, and what
 * the runbook says must come of it.
 */

const alarmNames = z.array(z.string().min(1)).default([]);

export const drillExpectSchema = z.strictObject({
  /** How the execution ends. */
  status: z.enum(['SUCCEEDED', 'FAILED'], { error: 'expect.status must be SUCCEEDED or FAILED' }).optional(),
  /** The error it fails with, such as RolledBack. */
  error: z.string().min(1).optional(),
  /** Production weights read back at the end (after the tail), by real color name. */
  weights: z.strictObject({ blue: z.number().int().min(0).max(999).optional(), green: z.number().int().min(0).max(999).optional() }).optional(),
  /** Alarms that must go to ALARM at some point; `{new}` and `{old}` stand for the colors. */
  alarmsFired: alarmNames,
  /** Alarms that must never be in ALARM during the drill. */
  alarmsNotFired: alarmNames,
  /** The first rollback action must come at most this many seconds after the fault's onset. */
  detectedWithinSeconds: z.number().int().min(0).optional(),
  /** The new color must never carry more than this share of traffic (percent). */
  maxNewWeight: z.number().min(0).max(100).optional(),
  /** Once all traffic is verified back on the old color, the new color may serve at most this many requests (0: sticky clients left it too). */
  newColorRequestsAfterRestore: z.number().int().min(0).optional(),
  /** What each operator action met, in order: "ok" or the named error (NoGateWaiting, StaleApproval, ApproverNotDistinct...). */
  operatorResults: z.array(z.string().min(1)).optional(),
  /** The new color's share (percent, read back each minute) stayed exactly this from one minute after the start to another: a held ramp. */
  weightHeld: z.strictObject({ fromMinute: z.number().int().min(0), toMinute: z.number().int().min(1), newPercent: z.number().min(0).max(100) }).refine((w) => w.toMinute > w.fromMinute, { message: 'expect.weightHeld.toMinute must be after fromMinute', path: ['toMinute'] }).optional(),
  /** Each text must appear in the subject of a page (a notification to the critical topic) during the drill. */
  paged: z.array(z.string().min(1)).optional(),
  /** Ledger entry types the cutover must have recorded (paused, resumed, gate-opened...). */
  ledger: z.array(z.string().min(1)).optional(),
});
export type DrillExpect = z.output<typeof drillExpectSchema>;

/** An operator's action: approve, reject, pause or resume, at the Nth gate reached (`gate:N`) or at a minute after the start (`minute:M`). */
export const operatorActionSchema = z.strictObject({
  at: z.string().regex(/^(gate:[1-9]\d*|minute:\d+)$/, 'operator[].at is "gate:N" (the Nth gate reached) or "minute:M" (minutes after the start)'),
  do: z.enum(['approve', 'reject', 'pause', 'resume'], { error: 'operator[].do must be "approve", "reject", "pause" or "resume"' }),
  reason: z.string().min(3).optional(),
  /** Who acts (an IAM ARN); default: a release-approver role, not the starter. */
  as: z.string().min(1).optional(),
  /** The execution the operator names, for a stale or unknown one; default: the running one. */
  execution: z.string().min(1).optional(),
  /** The gate the operator names; default: whichever waits. */
  gate: z.string().min(1).optional(),
});

export const drillSchema = z.strictObject({
  name: z.string().min(1, 'name is required: say what the drill proves'),
  description: z.string().optional(),
  /** Which config/<environment>.json the drill runs against. */
  environment: z.string().regex(/^[a-z][a-z0-9-]*$/, 'environment names a file in config/, such as "production"').default('dev'),
  /** Changes laid over that configuration (objects merge, lists replace), validated as cdk synth would. */
  config: z.record(z.string(), z.unknown()).optional(),
  /** The cutover input, as an operator would start it. */
  input: z.record(z.string(), z.unknown()),
  /** Which state machine the input starts. */
  machine: z.enum(['cutover', 'rollback']).default('cutover'),
  traffic: trafficSchema,
  faults: z.array(faultSchema).default([]),
  /** Simulated minutes the users keep coming after the execution ends. */
  tailMinutes: z.number().int().min(0).max(1440).default(5),
  /** Simulated minutes before the cutover starts, so alarms settle. */
  warmUpMinutes: z.number().int().min(1).max(120).default(15),
  /** When the cutover starts, as an ISO 8601 instant: the simulated clock starts there (change windows, freezes, daylight saving). Default: now. */
  startAt: z.iso.datetime({ offset: true, error: 'startAt is an ISO 8601 instant such as "2027-03-29T08:30:00Z"' }).optional(),
  /** What an operator does while the drill runs (approvals at gates, or at given minutes). */
  operator: z.array(operatorActionSchema).default([]),
  expect: drillExpectSchema.optional(),
});
export type Drill = z.output<typeof drillSchema>;

export class InvalidDrill extends Error {
  override readonly name = 'InvalidDrill';
}

/** Validates a drill, naming each bad field; a per-minute request file is read relative to `baseDir`. */
export function parseDrill(raw: unknown, source: string, baseDir = process.cwd()): Drill {
  const r = drillSchema.safeParse(raw);
  if (!r.success) throw new InvalidDrill(`Invalid drill in ${source}:\n${formatIssues(r.error.issues)}`);
  const d = r.data;
  const rate = d.traffic.requestsPerMinute;
  if (typeof rate === 'object' && 'file' in rate) {
    const file = path.resolve(baseDir, rate.file);
    let series: unknown;
    try {
      series = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InvalidDrill(`Invalid drill in ${source}:\n  - traffic.requestsPerMinute.file: cannot read ${file} as JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(series) || series.length === 0 || !series.every((v) => typeof v === 'number' && v >= 0)) {
      throw new InvalidDrill(`Invalid drill in ${source}:\n  - traffic.requestsPerMinute.file: ${file} must hold a non-empty JSON array of request counts (numbers from 0)`);
    }
    return { ...d, traffic: { ...d.traffic, requestsPerMinute: { series } } };
  }
  return d;
}

/** Every drill file (.json) under `dir`, its subfolders included, sorted. */
export function drillFiles(dir: string): string[] {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : []));
  return walk(dir).sort();
}

/** Reads and validates a drill file. */
export function loadDrill(file: string): Drill {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidDrill(`${file} is not a readable JSON drill: ${(e as Error).message}`);
  }
  return parseDrill(raw, file, path.dirname(path.resolve(file)));
}
