import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleHandler } from "../../modules/key-age-function/bundle-handler";
import { runProcess } from "./run-process";

/** One invocation's outcome, as the Lambda runtime would report it. */
export type InvocationOutcome = (
  | { readonly ok: true; readonly result: Record<string, unknown> & { readonly counts: Record<string, number> } }
  | { readonly ok: false; readonly errorName: string; readonly errorMessage: string }
) & {
  /** The invocation's wall time, as Lambda would bill it and hold it against the timeout. */
  readonly durationMs: number;
};

/** What one container did. */
export interface ContainerRun {
  /** One outcome per invocation, in order. */
  readonly outcomes: InvocationOutcome[];
  /** stdout, i.e. what CloudWatch Logs would hold. */
  readonly stdout: string;
  /** stderr. */
  readonly stderr: string;
  /** stdout lines that parse as JSON objects. */
  readonly logLines: Record<string, unknown>[];
  /** The container's peak resident set size (bundle load and every invocation), in bytes. */
  readonly maxRssBytes: number;
}

/**
 * The bundle a test run built once (see __tests__/support/global-setup.ts), when there is one: about
 * twenty integration files invoke the same bundle, and each build cost a second of CPU.
 */
export const SHARED_BUNDLE_VARIABLE = "KEY_AGE_TEST_BUNDLE";

/**
 * Bundles the handler with the deployment bundler into a fresh temporary directory, or hands out the
 * test run's shared bundle (its cleanup is the run's teardown).
 */
export function buildBundle(): { bundlePath: string; cleanup(): void } {
  const shared = process.env[SHARED_BUNDLE_VARIABLE];
  if (shared && existsSync(shared)) return { bundlePath: shared, cleanup: () => undefined };
  const outdir = mkdtempSync(path.join(tmpdir(), "key-age-bundle-"));
  return { bundlePath: bundleHandler({ outdir }), cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/**
 * Starts a fresh "container" (a child Node process) running the bundle with exactly `env` (plus PATH)
 * and invokes the handler `invocations` times. Asynchronous on purpose: the fake Slack server lives in
 * this process and must keep answering while the container runs.
 */
export async function runContainer(
  bundlePath: string,
  env: Readonly<Record<string, string>>,
  options: {
    readonly invocations?: number;
    readonly clockOffsetMs?: number;
    /** The event of each invocation. @default a scheduled event with id `event-<n>` */
    readonly events?: readonly Record<string, unknown>[];
    /** Each invocation's time limit, as `context.getRemainingTimeInMillis()` counts it down. @default 300_000, the deployed function's timeout */
    readonly remainingTimeMs?: number;
    /** The bundle's export to invoke (`dispatcher`, `worker`). @default "handler" */
    readonly handlerName?: string;
    /**
     * Aborting it kills the container mid-invocation (SIGKILL), as Lambda does at its timeout: the
     * outcome is then a `Killed` error and nothing after the kill runs. @default never
     */
    readonly signal?: AbortSignal;
  } = {},
): Promise<ContainerRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "key-age-run-"));
  try {
    const planPath = path.join(dir, "plan.json");
    const resultPath = path.join(dir, "result.json");
    writeFileSync(
      planPath,
      JSON.stringify({
        invocations: options.invocations ?? options.events?.length ?? 1,
        clockOffsetMs: options.clockOffsetMs ?? 0,
        ...(options.events ? { events: options.events } : {}),
        ...(options.remainingTimeMs ? { remainingTimeMs: options.remainingTimeMs } : {}),
        ...(options.handlerName ? { handlerName: options.handlerName } : {}),
      }),
    );
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      [path.join(__dirname, "lambda-runtime.cjs"), bundlePath, planPath, resultPath],
      {
        env: { PATH: process.env.PATH ?? "", AWS_EC2_METADATA_DISABLED: "true", NODE_NO_WARNINGS: "1", ...env },
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    if (options.signal?.aborted) {
      const killed: InvocationOutcome = {
        ok: false,
        errorName: "Killed",
        errorMessage: "the container was killed",
        durationMs: 0,
      };
      return { outcomes: [killed], stdout, stderr, logLines: jsonLines(stdout), maxRssBytes: 0 };
    }
    if (code !== 0) throw new Error(`container exited with ${code}: ${stderr}`);
    const { outcomes, maxRssBytes } = JSON.parse(readFileSync(resultPath, "utf8")) as {
      outcomes: InvocationOutcome[];
      maxRssBytes: number;
    };
    return { outcomes, stdout, stderr, logLines: jsonLines(stdout), maxRssBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stdout lines that parse as JSON objects (a killed container may leave a half line: skipped). */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{") && line.endsWith("}"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The summary of a successful invocation, or a test failure naming the error. */
export function expectSuccess(
  outcome: InvocationOutcome | undefined,
): Extract<InvocationOutcome, { ok: true }>["result"] {
  if (!outcome?.ok) throw new Error(`invocation failed: ${JSON.stringify(outcome)}`);
  return outcome.result;
}

/** The error of a failed invocation, or a test failure showing the result. */
export function expectFailure(outcome: InvocationOutcome | undefined): Extract<InvocationOutcome, { ok: false }> {
  if (!outcome || outcome.ok) throw new Error(`invocation should have failed: ${JSON.stringify(outcome)}`);
  return outcome;
}
