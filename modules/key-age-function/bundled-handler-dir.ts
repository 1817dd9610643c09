import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { bundleHandler } from "./bundle-handler";

const BUNDLE_DIR = path.join(__dirname, "..", "..", "dist", "handler");
// Beside the bundle directory, not in it: everything in BUNDLE_DIR goes into the Lambda zip.
const INPUTS_FILE = path.join(BUNDLE_DIR, "..", "handler.inputs.json");
const DIGEST_FILE = path.join(BUNDLE_DIR, "..", "handler.digest");
let bundled: string | undefined;

/**
 * Bundles the handler once per process (every stack shares the bundle) and returns its directory.
 * esbuild takes about half of a synth, so a bundle whose inputs (and bundler settings) are unchanged
 * since it was built is reused. Inputs are compared by content, not mtime: npm stamps installed
 * files with a fixed date.
 */
export function bundledHandlerDir(): string {
  if (bundled === undefined) {
    if (!bundleIsCurrent()) rebuild();
    bundled = BUNDLE_DIR;
  }
  return bundled;
}

/**
 * Builds in a staging directory and renames each file into place: renames are atomic, so a synth
 * running at the same time (parallel test workers, a `cdktf diff` beside the tests) never zips a
 * half-written bundle.
 */
function rebuild(): void {
  const dist = path.dirname(BUNDLE_DIR);
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const staging = mkdtempSync(path.join(dist, "handler-staging-"));
  try {
    const inputs = path.join(staging, "inputs.json");
    bundleHandler({ outdir: staging, inputsFile: inputs });
    renameSync(path.join(staging, "index.js"), path.join(BUNDLE_DIR, "index.js"));
    renameSync(inputs, INPUTS_FILE);
    const digest = path.join(staging, "digest");
    writeFileSync(digest, inputsDigest() ?? "");
    renameSync(digest, DIGEST_FILE);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function bundleIsCurrent(): boolean {
  try {
    if (!existsSync(path.join(BUNDLE_DIR, "index.js"))) return false;
    const digest = inputsDigest();
    return digest !== undefined && digest === readFileSync(DIGEST_FILE, "utf8");
  } catch {
    return false;
  }
}

/** A digest of every bundled file and of the bundler's own settings; undefined if any is gone. */
function inputsDigest(): string | undefined {
  try {
    const inputs = JSON.parse(readFileSync(INPUTS_FILE, "utf8")) as string[];
    const hash = createHash("sha256");
    for (const file of [...inputs, require.resolve("./bundle-handler")]) {
      hash.update(file).update("\0").update(readFileSync(file)).update("\0");
    }
    return hash.digest("hex");
  } catch {
    return undefined;
  }
}
