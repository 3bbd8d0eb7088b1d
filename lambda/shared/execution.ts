/**
 * The slices each state adds to the execution's JSON. Every handler parses
 * only the slices it reads, so a state can grow without breaking the others.
 * Each handler imports its slices from their modules (lock-slice, ramp-slice,
 * watch-slice, deploy-slice), so it builds only their schemas.
 */
export { lockSliceSchema } from './lock-slice';
export type { LockSlice } from './lock-slice';
export { preflightSliceSchema, rampSliceSchema } from './ramp-slice';
export type { RampSlice } from './ramp-slice';
export { promotionSliceSchema, watchSliceSchema } from './watch-slice';
export type { WatchSlice } from './watch-slice';
export { caughtErrorSchema, deploySliceSchema } from './deploy-slice';
export type { DeploySlice } from './deploy-slice';
