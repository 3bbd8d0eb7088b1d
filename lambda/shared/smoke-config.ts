import * as z from './zod';
import { giveConfigSchemas } from './settings';
import { FULL_SECRET_ARN, fullSecretArnMessage } from './secret-arn';
import { once } from './once';

// Built on first use, not as the module loads: the smoke-test function reads
// these settings from its bundle, where synth already checked them with these
// schemas (settings.ts), so it builds them only if its environment overrides them.
function build() {
  const jsonExpectation = z.strictObject({
    /** Dot path into the JSON body, such as `status` or `items.0.id`. */
    path: z.string().check(z.minLength(1)),
    /** Value the field must equal. */
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  });

  /** One HTTP check run against the idle color through the test route. */
  const smokeCheckSchema = z.strictObject({
    name: z.string().check(z.regex(/^[A-Za-z0-9 _.-]{1,60}$/, 'smoke check names are letters, digits, spaces, dots, dashes and underscores')),
    method: z._default(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']), 'GET'),
    path: z.string().check(z.startsWith('/', 'smoke check paths start with /')),
    headers: z._default(z.record(z.string(), z.string()), {}),
    body: z.optional(z.string()),
    expectStatus: z._default(z.int().check(z.gte(100), z.lte(599)), 200),
    bodyContains: z.optional(z.string()),
    json: z._default(z.array(jsonExpectation), []),
    maxLatencyMs: z._default(z.int().check(z.gte(1), z.lte(60000)), 2000),
  });

  /** A short burst of requests through the test route, gated on error rate and p95. */
  const loadBurstSchema = z.strictObject({
    path: z._default(z.string().check(z.startsWith('/')), '/'),
    requests: z._default(z.int().check(z.gte(1), z.lte(5000)), 200),
    concurrency: z._default(z.int().check(z.gte(1), z.lte(50)), 10),
    maxErrorRatePercent: z._default(z.number().check(z.gte(0), z.lte(100)), 1),
    maxP95Ms: z._default(z.int().check(z.gte(1)), 3000),
  });

  /** `cutover.smoke`: the checks and load burst the smoke test runs against the idle color. */
  const smokeSettingsSchema = z.prefault(
    z.strictObject({
      checks: z._default(z.array(smokeCheckSchema), []),
      load: z.optional(loadBurstSchema),
      credentialsSecretArn: z.optional(z.string().check(z.regex(FULL_SECRET_ARN, fullSecretArnMessage('smoke.credentialsSecretArn')))),
    }),
    {},
  );

  return { check: smokeCheckSchema, load: loadBurstSchema, settings: smokeSettingsSchema };
}
/** The schemas of `cutover.smoke` (`settings`), of one check and of the load burst, built once. */
export const smokeSchemas = once(build);
export type SmokeCheck = z.output<ReturnType<typeof smokeSchemas>['check']>;
export type LoadBurst = z.output<ReturnType<typeof smokeSchemas>['load']>;

// The functions that read these settings validate them with these schemas (settings.ts).
giveConfigSchemas({ defaultsFields: { smoke: () => smokeSchemas().settings } });
