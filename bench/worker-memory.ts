// The worker's memory in `npm run bench`: one worker invocation, from the deployment bundle in a fresh
// process (one cold container), scanning one member account of N users on moto, per strategy. The
// peak resident set size is what Lambda reports as "Max Memory Used" and what the function's memory
// setting must cover.
import { accountMessage } from "../handler/organization/account-message";
import { DEFAULT_MEMORY_MB } from "../modules/key-age-function/key-age-function";
import { WORKER_MEMORY_MB } from "../modules/organization-fan-out/organization-fan-out";
import { buildBundle, expectSuccess, runContainer } from "../scripts/lib/invoke-bundle";
import type { MotoServer } from "../scripts/lib/moto-server";

/** One measured container. */
export interface WorkerMemoryRun {
  readonly label: string;
  readonly peakMb: number;
  readonly wallMs: number;
  /** The memory setting that must cover it: the function's, or in organization mode the worker's. */
  readonly settingMb: number;
}

// moto's default account, which holds the seeded population: the worker assumes the member role into
// it (moto checks no role), so it scans exactly what the strategy table scanned.
const ACCOUNT = { id: "123456789012", name: "bench-memory" };

const sqsEvent = (records: number) => ({
  Records: Array.from({ length: records }, (_, i) => ({
    messageId: `message-${i + 1}`,
    receiptHandle: `receipt-${i + 1}`,
    body: JSON.stringify(accountMessage(ACCOUNT, { heartbeat: false })),
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-accounts",
    awsRegion: "us-east-1",
  })),
});

/**
 * Runs the worker bundle once per strategy against the population moto holds now (`users` users),
 * plus once with an empty batch for the container's baseline, and returns each container's peak RSS.
 */
export async function measureWorkerMemory(moto: MotoServer): Promise<WorkerMemoryRun[]> {
  const bundle = buildBundle();
  try {
    const runs: WorkerMemoryRun[] = [];
    const run = async (label: string, env: Record<string, string>, records: number, settingMb = DEFAULT_MEMORY_MB) => {
      const started = performance.now();
      const container = await runContainer(
        bundle.bundlePath,
        { ...moto.awsEnv, DRY_RUN: "true", ENVIRONMENT_NAME: "bench", ...env },
        { handlerName: "worker", events: [sqsEvent(records)], remainingTimeMs: 300_000 },
      );
      const response = expectSuccess(container.outcomes[0]) as unknown as { batchItemFailures: unknown[] };
      if (response.batchItemFailures.length > 0) {
        throw new Error(`the worker failed its account (${label}): ${container.stdout.slice(-2_000)}`);
      }
      runs.push({ label, peakMb: container.maxRssBytes / 2 ** 20, wallMs: performance.now() - started, settingMb });
    };
    await run("empty batch (bundle loaded, no account)", {}, 0);
    for (const strategy of ["api", "credential-report"]) {
      await run(`one account, SCAN_STRATEGY=${strategy}`, { SCAN_STRATEGY: strategy }, 1);
    }
    // The worker runs a batch's accounts side by side: the worst batch is five accounts this large.
    await run(
      "a batch of 5 such accounts side by side, SCAN_STRATEGY=credential-report",
      { SCAN_STRATEGY: "credential-report" },
      5,
      WORKER_MEMORY_MB,
    );
    return runs;
  } finally {
    bundle.cleanup();
  }
}

/** The section's rows: peak memory against the function's default setting. */
export function workerMemoryRows(runs: readonly WorkerMemoryRun[]): (string | number)[][] {
  return runs.map((run) => [
    run.label,
    run.peakMb.toFixed(0),
    `${((run.peakMb / run.settingMb) * 100).toFixed(0)}% of ${run.settingMb} MB`,
    (run.wallMs / 1000).toFixed(1),
  ]);
}
