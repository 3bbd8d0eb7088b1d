import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Color, colorSchema, COLORS, StateParameterNames } from '../colors';
import { awsCall, sdkClient } from './clients';

const clients = { ssm: sdkClient('ssm', (c) => new SSMClient(c)) };

/** What the last cutover recorded. */
export interface RecordedState {
  readonly liveColor: Color;
  readonly image: Record<Color, string>;
  readonly desiredCount: Record<Color, number>;
}

export async function readState(names: StateParameterNames): Promise<RecordedState> {
  const all = [names.liveColor, ...COLORS.map((c) => names.image[c]), ...COLORS.map((c) => names.desiredCount[c])];
  const r = await awsCall('ssm:GetParameters', () => clients.ssm().send(new GetParametersCommand({ Names: all })));
  const value = (n: string) => {
    const v = r.Parameters?.find((p) => p.Name === n)?.Value;
    if (v === undefined) throw new Error(`state parameter ${n} is missing; deploy the state stack first`);
    return v;
  };
  return {
    liveColor: colorSchema.parse(value(names.liveColor)),
    image: { blue: value(names.image.blue), green: value(names.image.green) },
    desiredCount: { blue: Number(value(names.desiredCount.blue)), green: Number(value(names.desiredCount.green)) },
  };
}

async function put(name: string, value: string): Promise<void> {
  await awsCall('ssm:PutParameter', () => clients.ssm().send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true })));
}

/** Records the live color so a later deploy renders the same weights. */
export const recordLiveColor = (names: StateParameterNames, color: Color) => put(names.liveColor, color);
/** Records a color's image so a later deploy keeps running it. */
export const recordImage = (names: StateParameterNames, color: Color, image: string) => put(names.image[color], image);
/** Records a color's task count so a later deploy keeps it. */
export const recordDesiredCount = (names: StateParameterNames, color: Color, count: number) => put(names.desiredCount[color], String(count));
