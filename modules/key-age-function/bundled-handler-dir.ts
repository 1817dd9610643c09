import * as path from "node:path";
import { bundleHandler } from "./bundle-handler";

const BUNDLE_DIR = path.join(__dirname, "..", "..", "dist", "handler");
let bundled: string | undefined;

/** Bundles the handler once per process (every stack shares the bundle) and returns its directory. */
export function bundledHandlerDir(): string {
  if (bundled === undefined) {
    bundleHandler({ outdir: BUNDLE_DIR });
    bundled = BUNDLE_DIR;
  }
  return bundled;
}
