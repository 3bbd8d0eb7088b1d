/** Header the control plane sends, with the token, to reach the idle color. */
export const TEST_HEADER = 'X-Switchyard-Test';
/** Header operators send from their own networks to preview the idle color. */
export const PREVIEW_HEADER = 'X-Switchyard-Preview';
