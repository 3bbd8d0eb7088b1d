import * as fs from 'fs';

/** Removes the run's temporary directory and gives the process its TMPDIR back (see global-setup.ts). */
export default function globalTeardown(): void {
  const root = process.env.SWITCHYARD_JEST_TMPDIR;
  if (root) fs.rmSync(root, { recursive: true, force: true });
  const previous = process.env.SWITCHYARD_JEST_PREVIOUS_TMPDIR;
  if (previous) process.env.TMPDIR = previous;
  else delete process.env.TMPDIR;
  delete process.env.SWITCHYARD_JEST_TMPDIR;
  delete process.env.SWITCHYARD_JEST_PREVIOUS_TMPDIR;
}
