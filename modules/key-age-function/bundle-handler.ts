import { buildSync } from "esbuild";
import { utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** Where the handler's entry point lives in this repository. */
const HANDLER_ENTRY = path.join(__dirname, "..", "..", "handler", "index.ts");

// cdktf zips assets with each file's mtime: a fixed one keeps the zip, and so the function's code hash,
// identical across synths of the same code.
const FIXED_MTIME = new Date("2020-01-01T00:00:00Z");

/** Options of {@link bundleHandler}. */
export interface BundleHandlerOptions {
  /** Directory that receives `index.js`; it is what the Lambda zip holds. */
  readonly outdir: string;
  /** Where to write the list of bundled source files (for a build cache); keep it outside `outdir`. @default not written */
  readonly inputsFile?: string;
}

/**
 * Bundles the handler into one minified CommonJS file for the `nodejs22.x` runtime.
 * The AWS SDK is bundled rather than taken from the runtime so the code runs against the exact
 * SDK version it was tested with; minified, the zip stays well under the size budget.
 * The output is deterministic, so an unchanged handler keeps the asset hash and plans stay clean.
 */
export function bundleHandler(options: BundleHandlerOptions): string {
  const outfile = path.join(options.outdir, "index.js");
  const result = buildSync({
    entryPoints: [HANDLER_ENTRY],
    outfile,
    bundle: true,
    minify: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    // The AWS SDK's ES modules tree-shake; its CommonJS builds carry every operation's schema
    // (all of SSM's for one GetParameter), which nearly doubles the zip.
    mainFields: ["module", "main"],
    legalComments: "none",
    logLevel: "error",
    metafile: options.inputsFile !== undefined,
  });
  utimesSync(outfile, FIXED_MTIME, FIXED_MTIME);
  if (options.inputsFile && result.metafile) {
    writeFileSync(
      options.inputsFile,
      JSON.stringify(Object.keys(result.metafile.inputs).map((input) => path.resolve(input))),
    );
  }
  return outfile;
}
