import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleHandler } from "../../modules/key-age-function/bundle-handler";
import { SHARED_BUNDLE_VARIABLE } from "../../scripts/lib/invoke-bundle";

/**
 * One temporary directory for the whole run. cdktf's Testing.app() makes an outdir for every synth
 * and never removes it; the test workers start after this and inherit TMPDIR, so everything
 * temporary lands here, and global-teardown.ts removes it.
 */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "key-age-tests-"));
  process.env.KEY_AGE_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
  // The tests start about 45 moto servers. `python3` is often a version manager's shell script
  // (pyenv's shim starts five shells before Python): name the interpreter itself, once.
  if (!process.env.MOTO_PYTHON) {
    const found = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
    const executable = found.status === 0 ? found.stdout.trim() : "";
    if (executable) process.env.MOTO_PYTHON = executable;
  }
  // One handler bundle for every integration file that invokes it (buildBundle hands it out).
  process.env[SHARED_BUNDLE_VARIABLE] = bundleHandler({ outdir: path.join(dir, "shared-bundle") });
}
