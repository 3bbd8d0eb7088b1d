import * as fs from 'fs';

/** Removes the run's temporary directory (see global-setup.ts). */
export default function globalTeardown(): void {
  const root = process.env.SWITCHYARD_JEST_TMPDIR;
  if (root) fs.rmSync(root, { recursive: true, force: true });
}
