import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Every temporary file of the run (the apps' cdk.out directories, moto's files, the tests' own)
 * goes under one directory that the teardown removes: an App without an outdir never cleans up.
 * Workers start after this and inherit TMPDIR, which os.tmpdir() reads.
 */
export default function globalSetup(): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-jest-'));
  // A runner that calls jest again in the same process (Stryker) gets its own TMPDIR back at teardown.
  process.env.SWITCHYARD_JEST_PREVIOUS_TMPDIR = process.env.TMPDIR ?? '';
  process.env.SWITCHYARD_JEST_TMPDIR = root;
  process.env.TMPDIR = root;
}
