import { z } from 'zod';

/**
 * What the simulated users and services do: the traffic of a drill and the
 * faults laid over it. Every field's message says how to fix it, because the
 * reader is writing a drill file.
 */

const pct = (what: string) => z.number({ error: `${what} must be a number from 0 to 100` }).min(0, `${what} must be at least 0`).max(100, `${what} must be at most 100`);

/** A business or shared metric the simulated application publishes every minute. */
export const publishedMetricSchema = z
  .strictObject({
    namespace: z.string().min(1, 'metrics[].namespace is required, for example "Shop/Checkout"'),
    metricName: z.string().min(1, 'metrics[].metricName is required'),
    /** A value of `{color}` is the color the traffic or fault applies to. */
    dimensions: z.record(z.string(), z.string()).default({}),
    /** The value published each minute. */
    value: z.number().optional(),
    /** Or a value that grows by this much every minute from `value` (default 0): a queue that keeps rising. */
    perMinuteIncrease: z.number().optional(),
  })
  .refine((m) => m.value !== undefined || m.perMinuteIncrease !== undefined, { message: 'metrics[] needs "value" or "perMinuteIncrease"' });
export type PublishedMetric = z.output<typeof publishedMetricSchema>;

/** What a color does; traffic gives both colors these, a fault overrides them for one. */
const colorBehaviour = {
  /** Requests the color's targets answer with a 5xx, in percent. */
  errorRatePercent: pct('errorRatePercent').optional(),
  /** Requests the load balancer answers 502 itself because a target dropped the connection, in percent. */
  loadBalancer5xxPercent: pct('loadBalancer5xxPercent').optional(),
  /** 95th percentile of target response time, seconds. */
  p95Seconds: z.number().positive('p95Seconds must be above 0').max(3600).optional(),
  /** Registered targets failing their health check. */
  unhealthyTargets: z.number().int().min(0).max(1000).optional(),
  /** Tasks of the color that stop each minute (a crash loop). */
  taskExitsPerMinute: z.number().min(0).max(1000).optional(),
  /** Average CPU of the color's tasks, percent of what they reserve. */
  cpuPercent: pct('cpuPercent').optional(),
  /** Average memory of the color's tasks, percent of their limit. */
  memoryPercent: pct('memoryPercent').optional(),
  /** Business and shared metrics. */
  metrics: z.array(publishedMetricSchema).optional(),
};

/** Total requests a minute: a constant, a daily curve, or a per-minute series (repeated). */
export const requestRateSchema = z.union([
  z.number().min(0, 'requestsPerMinute must be at least 0'),
  z.strictObject({
    daily: z.strictObject({
      min: z.number().min(0),
      max: z.number().min(0),
      /** Hour (UTC, 0-23) of the peak. */
      peakHourUtc: z.number().min(0).max(23).default(14),
    }),
  }),
  z.strictObject({ series: z.array(z.number().min(0)).min(1, 'series needs at least one minute') }),
  z.strictObject({ file: z.string().min(1, 'file names a JSON file holding an array of per-minute request counts') }),
]);
export type RequestRate = z.output<typeof requestRateSchema>;

export const trafficSchema = z
  .strictObject({
    requestsPerMinute: requestRateSchema.default(1000),
    ...colorBehaviour,
    /** Clients holding a stickiness cookie, percent; they stay on their color while the target group's stickiness is on. */
    stickyClientsPercent: pct('stickyClientsPercent').default(0),
    /** How long after its minute a datapoint becomes visible in CloudWatch, seconds (ALB: 1 to 3 minutes). */
    ingestDelaySeconds: z.number().int().min(0).max(600).default(60),
    /** Seed of the random numbers (which requests fail); the same seed gives the same run. */
    seed: z.number().int().min(0).default(1),
  })
  .prefault({});
export type Traffic = z.output<typeof trafficSchema>;

/** When a fault starts or ends: start, step:N (when step N's weights are set), promotion, or minute:M after the first shift. */
export const momentSchema = z
  .string()
  .regex(/^(start|promotion|step:[1-9]\d*|minute:\d+)$/, 'a moment is "start", "step:N" (N from 1), "promotion" or "minute:M" (minutes after the first traffic shift)');
export type Moment = z.output<typeof momentSchema>;

export const faultSchema = z
  .strictObject({
    /** `new`: the color being cut over to; `old`: the color that was live. */
    color: z.enum(['new', 'old'], { error: 'color must be "new" or "old"' }),
    from: momentSchema.default('start'),
    until: momentSchema.optional(),
    ...colorBehaviour,
  })
  .refine((f) => Object.keys(colorBehaviour).some((k) => (f as Record<string, unknown>)[k] !== undefined), {
    message: `a fault must set at least one of ${Object.keys(colorBehaviour).join(', ')}`,
  });
export type Fault = z.output<typeof faultSchema>;

/** The behaviour fields a color can have, with what a healthy service does. */
export interface ColorBehaviour {
  readonly errorRatePercent: number;
  readonly loadBalancer5xxPercent: number;
  readonly p95Seconds: number;
  readonly unhealthyTargets: number;
  readonly taskExitsPerMinute: number;
  readonly cpuPercent: number;
  readonly memoryPercent: number;
  readonly metrics: readonly PublishedMetric[];
}

export const HEALTHY: ColorBehaviour = {
  errorRatePercent: 0.1,
  loadBalancer5xxPercent: 0,
  p95Seconds: 0.25,
  unhealthyTargets: 0,
  taskExitsPerMinute: 0,
  cpuPercent: 35,
  memoryPercent: 45,
  metrics: [],
};
