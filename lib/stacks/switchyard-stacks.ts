import type { ControlStack } from './control-stack';
import type { PlatformStack } from './platform-stack';
import type { StateStack } from './state-stack';

/** The stacks of one service environment, as `buildSwitchyard` (lib/switchyard.ts) makes them. */
export interface SwitchyardStacks {
  readonly state: StateStack;
  readonly platform: PlatformStack;
  readonly control: ControlStack;
}
