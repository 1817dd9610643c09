// How the worker gives each account of a batch its time, measured: a batch of five accounts on moto,
// the first one's IAM throttled on every call (the proxy knows which account signed each request),
// run three ways within one invocation's time. The worker runs the way that keeps the others whole.
import { IAMClient } from "@aws-sdk/client-iam";
import { loadConfig } from "../handler/runtime/config/config";
import { IAM_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { scanBudget, type ScanBudget } from "../handler/scan/scan-budget";
import { scannerFor } from "../handler/scan/select-scanner";
import type { MemberCredentials } from "../handler/organization/member-credentials";
import { signedIn, THROTTLING_ANSWER, type MotoProxy } from "../scripts/lib/moto-proxy";
import type { EmulatorClientConfig, SeededAccount } from "../scripts/lib/seed-organization";

/** The invocation and its margins, a fifth of the deployed ones (300 s, 30 s delivery, 10 s in flight). */
export const BENCH_INVOCATION = { timeMs: 60_000, deliveryMarginMs: 6_000, inFlightAllowanceMs: 2_000 } as const;

/** How one batch went under one mechanism. */
export interface MechanismRun {
  readonly label: string;
  /** Healthy accounts whose scan completed (every user checked). */
  readonly healthyComplete: number;
  readonly healthy: number;
  /** The throttled account's outcome. */
  readonly throttled: string;
  /** Wall time of the batch's scans. */
  readonly wallMs: number;
}

type Scan = (budget: ScanBudget) => Promise<string>;

/** The three ways to share one invocation's time between a batch's accounts. */
const MECHANISMS: readonly { label: string; run: (scans: readonly Scan[], deadline: number) => Promise<string[]> }[] = [
  {
    label: "one after another, each the time left when it starts (before)",
    run: async (scans, deadline) => {
      const outcomes: string[] = [];
      for (const scan of scans) outcomes.push(await scan(budgetUntil(deadline)));
      return outcomes;
    },
  },
  {
    label: "one after another, each a fair share of the time left",
    run: async (scans, deadline) => {
      const outcomes: string[] = [];
      for (const [index, scan] of scans.entries()) {
        const share = (deadline - Date.now()) / (scans.length - index);
        outcomes.push(await scan(budgetUntil(Date.now() + share)));
      }
      return outcomes;
    },
  },
  {
    label: "side by side, each the whole time (the worker)",
    run: (scans, deadline) => Promise.all(scans.map((scan) => scan(budgetUntil(deadline)))),
  },
];

function budgetUntil(deadline: number): ScanBudget {
  return scanBudget({
    remainingTimeMs: Math.max(0, deadline - Date.now()),
    now: Date.now,
    deliveryMarginMs: BENCH_INVOCATION.deliveryMarginMs,
    inFlightAllowanceMs: BENCH_INVOCATION.inFlightAllowanceMs,
  });
}

/**
 * Runs the batch (the first account throttled) once per mechanism: the credential-report scan of each
 * account through its member credentials, each stopping on the budget the mechanism gives it.
 */
export async function compareBatchMechanisms(input: {
  readonly aws: EmulatorClientConfig;
  readonly proxy: MotoProxy;
  readonly accounts: readonly SeededAccount[];
  readonly credentials: ReadonlyMap<string, MemberCredentials>;
  readonly progress: (line: string) => void;
}): Promise<MechanismRun[]> {
  const [throttled] = input.accounts;
  if (!throttled) throw new Error("the comparison needs a batch of accounts");
  const config = loadConfig({ DRY_RUN: "true", SCAN_STRATEGY: "credential-report" });
  const scans: Scan[] = input.accounts.map((account) => async (budget) => {
    const started = Date.now();
    const after = () => ` after ${((Date.now() - started) / 1000).toFixed(1)} s`;
    const iam = new IAMClient({
      ...input.aws,
      endpoint: input.proxy.endpoint,
      ...IAM_CLIENT_CONFIG,
      credentials: input.credentials.get(account.id) as MemberCredentials,
    });
    try {
      const result = await scannerFor(config, { iam })({ budget });
      const unchecked = result.stats.uncheckedUsers?.length ?? 0;
      return unchecked === 0 ? "complete" : `${unchecked} users unchecked${after()}`;
    } catch (error) {
      const cause = (error as Error).message.split(":")[0] ?? "";
      return `failed${after()}: ${cause}`;
    } finally {
      iam.destroy();
    }
  });
  const stop = input.proxy.add({ matches: signedIn(throttled.id, "iam"), answer: () => THROTTLING_ANSWER });
  const runs: MechanismRun[] = [];
  try {
    for (const mechanism of MECHANISMS) {
      const started = Date.now();
      const outcomes = await mechanism.run(scans, started + BENCH_INVOCATION.timeMs);
      const run: MechanismRun = {
        label: mechanism.label,
        healthyComplete: outcomes.slice(1).filter((outcome) => outcome === "complete").length,
        healthy: outcomes.length - 1,
        throttled: outcomes[0] ?? "?",
        wallMs: Date.now() - started,
      };
      input.progress(
        `${run.label}: ${run.healthyComplete}/${run.healthy} healthy complete, ${(run.wallMs / 1000).toFixed(1)} s`,
      );
      runs.push(run);
    }
  } finally {
    stop();
  }
  return runs;
}

/** The comparison's rows. */
export function mechanismRows(runs: readonly MechanismRun[]): (string | number)[][] {
  return runs.map((run) => [
    run.label,
    `${run.healthyComplete} of ${run.healthy}`,
    run.throttled,
    (run.wallMs / 1000).toFixed(1),
  ]);
}
