/** Header the control plane sends, with the token, to reach the idle color. */
export const TEST_HEADER = 'X-Switchyard-Test';
/**
 * Response header naming the color that answered: each color's tasks get
 * SWITCHYARD_COLOR, and the application echoes it here. The smoke test reads
 * it to prove it reached the idle color.
 */
export const COLOR_HEADER = 'X-Switchyard-Color';
/** Header operators send from their own networks to preview the idle color. */
export const PREVIEW_HEADER = 'X-Switchyard-Preview';
