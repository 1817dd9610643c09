import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * One temporary directory for the whole run. cdktf's Testing.app() makes an outdir for every synth
 * and never removes it; the test workers start after this and inherit TMPDIR, so everything
 * temporary lands here, and global-teardown.ts removes it.
 */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "key-age-tests-"));
  process.env.KEY_AGE_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
