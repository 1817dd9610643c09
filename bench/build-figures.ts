import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleHandler } from "../modules/key-age-function/bundle-handler";

const ROOT = path.join(__dirname, "..");

/** Size, start-up and synth figures of the build. */
export interface BuildFigures {
  /** `index.js` as bundled, in bytes. */
  readonly bundleBytes: number;
  /** The Lambda zip cdktf wrote at synth, in bytes. */
  readonly zipBytes: number;
  /** Median time to load the bundle in a fresh Node process (module init, before the first invocation). */
  readonly moduleInitMs: number;
  /** In-process synth: importing main.ts and its dependencies. */
  readonly synthImportMs: number;
  /** In-process synth: buildApp() plus app.synth() for every stack. */
  readonly synthBuildMs: number;
  /** Wall time of `npx tsx main.ts` (what `cdktf synth` runs), as a process. */
  readonly synthProcessMs: number;
  /** Stacks synthesized. */
  readonly stacks: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Measures the figures; `runs` repeats the timed steps and keeps the median. */
export function measureBuild(runs = 3): BuildFigures {
  const bundleDir = mkdtempSync(path.join(tmpdir(), "key-age-bench-bundle-"));
  const synthDir = mkdtempSync(path.join(tmpdir(), "key-age-bench-synth-"));
  try {
    const bundlePath = bundleHandler({ outdir: bundleDir });
    const initScript = path.join(bundleDir, "init.cjs");
    writeFileSync(
      initScript,
      `const t = process.hrtime.bigint(); require(${JSON.stringify(bundlePath)}); ` +
        "process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));",
    );
    const moduleInitMs = median(
      Array.from({ length: 5 }, () => Number(runNode([initScript], { AWS_REGION: "us-east-1", DRY_RUN: "true" }))),
    );

    const inProcess = Array.from(
      { length: runs },
      () =>
        JSON.parse(
          runNode(["--import", "tsx", path.join(__dirname, "synth-in-process.ts")], { CDKTF_OUTDIR: synthDir }),
        ) as {
          importMs: number;
          buildMs: number;
          stacks: number;
        },
    );
    const processMs = Array.from({ length: runs }, () => {
      const started = process.hrtime.bigint();
      const result = spawnSync("npx", ["tsx", "main.ts"], {
        cwd: ROOT,
        env: { ...process.env, CDKTF_OUTDIR: synthDir },
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    });
    return {
      bundleBytes: statSync(bundlePath).size,
      zipBytes: statSync(findFile(synthDir, "archive.zip")).size,
      moduleInitMs,
      synthImportMs: median(inProcess.map((r) => r.importMs)),
      synthBuildMs: median(inProcess.map((r) => r.buildMs)),
      synthProcessMs: median(processMs),
      stacks: inProcess[0]?.stacks ?? 0,
    };
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(synthDir, { recursive: true, force: true });
  }
}

function runNode(args: string[], env: Record<string, string>): string {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_NO_WARNINGS: "1", ...env },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim().split("\n").pop() ?? "";
}

function findFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      try {
        return findFile(full, name);
      } catch {
        // not under this directory: look in the next one
      }
    }
  }
  throw new Error(`${name} not found under ${dir}`);
}
