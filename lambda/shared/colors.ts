import * as z from './zod';

/** The two colors of a service. */
export const COLORS = ['blue', 'green'] as const;
export const colorSchema = z.enum(COLORS);
export type Color = z.infer<typeof colorSchema>;

/** The color that is not `color`. */
export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/**
 * Names of the SSM parameters holding what a cutover records. The platform
 * template resolves them at deploy time, so a `cdk deploy` follows the last
 * cutover instead of resetting traffic or images.
 */
export interface StateParameterNames {
  readonly liveColor: string;
  readonly image: Readonly<Record<Color, string>>;
  readonly desiredCount: Readonly<Record<Color, string>>;
}

/** Path prefix of every parameter one service environment owns. */
export function stateParameterPrefix(service: string, environment: string): string {
  return `/switchyard/${service}/${environment}`;
}

export function stateParameterNames(service: string, environment: string): StateParameterNames {
  const p = stateParameterPrefix(service, environment);
  return {
    liveColor: `${p}/live-color`,
    image: { blue: `${p}/blue/image`, green: `${p}/green/image` },
    desiredCount: { blue: `${p}/blue/desired-count`, green: `${p}/green/desired-count` },
  };
}
