import { App } from 'aws-cdk-lib';
import { LogLevel } from 'aws-cdk-lib/aws-lambda-nodejs';
import { IConstruct } from 'constructs';

/** Context key that brings back the per-function bundling output: `cdk synth -c verboseBundling=true`. */
export const VERBOSE_BUNDLING = 'verboseBundling';

function verbose(scope: IConstruct): boolean {
  const v = scope.node.tryGetContext(VERBOSE_BUNDLING);
  return v === true || v === 'true';
}

/** esbuild's log level: warnings and errors only, unless verbose bundling is asked for. */
export function bundlingLogLevel(scope: IConstruct): LogLevel {
  return verbose(scope) ? LogLevel.INFO : LogLevel.WARNING;
}

/**
 * CDK announces every asset it bundles ("Bundling asset <path>...") on stderr,
 * one line per function. Drops exactly those lines unless verbose bundling is
 * asked for; everything else written to stderr (errors included) still shows.
 */
export function quietBundlingBanners(app: App): void {
  if (verbose(app)) return;
  const write = process.stderr.write.bind(process.stderr) as (...a: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && /^Bundling asset \S+\.\.\.\r?\n$/.test(chunk) ? true : write(chunk, ...rest)) as typeof process.stderr.write;
}
