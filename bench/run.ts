// `npm run bench`: the scan strategies against a local moto server behind a request-counting proxy,
// plus the build's size, start-up and synth figures. Prints figures; asserts nothing (CI is noisy).
// Usage: npm run bench [-- --users 100,1000,5000] [--latency-users 100] [--throttle-users 1000]
//        [--accounts 10] [--account-users 50] [--dispatch-accounts 5000] [--memory-users 5000]
//        [--slack-owners 500] [--slack-timeout 300]
import { IAMClient } from "@aws-sdk/client-iam";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { classifyKeys, type Classification } from "../handler/scan/classify";
import { loadConfig } from "../handler/runtime/config/config";
import { scannerFor } from "../handler/scan/select-scanner";
import { startMotoServer, type MotoServer } from "../scripts/lib/moto-server";
import { measureBuild } from "./build-figures";
import { startMotoProxy, type MotoProxy } from "../scripts/lib/moto-proxy";
import { COMPARISON_HEADERS, compareRetryPolicies, comparisonRows } from "./retry-comparison";
import { KEY_AGE_MINUTES_BY_PREFIX, seedPopulation, type Population } from "./seed-population";
import { IAM_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { organizationBench, type OrganizationBenchOptions } from "./organization-bench";
import { DEFAULT_MEMORY_MB } from "../modules/key-age-function/key-age-function";
import { measureWorkerMemory, workerMemoryRows } from "./worker-memory";
import { slackOwnersBench, type SlackOwnersBenchOptions } from "./slack-owners-bench";

const ROUND_TRIP_MS = 50;

/** The bench's flags: the population sizes of the strategy table and of the latency table. */
interface BenchOptions {
  readonly sizes: readonly number[];
  readonly latencyUsers: number;
  /** Population of the retry-policy comparison under throttling; 0 skips it. */
  readonly throttleUsers: number;
  /** Users of the account one worker invocation scans for its peak memory; 0 skips it. */
  readonly memoryUsers: number;
  /** The organization section's sizes. */
  readonly organization: OrganizationBenchOptions;
  /** The Slack app section: owners (0 skips it) and the function's timeout. */
  readonly slack: SlackOwnersBenchOptions;
}

/** Parses the bench's flags; throws naming the flag and the value on a mistake. */
function benchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      users: { type: "string", default: "100,1000,5000" },
      "latency-users": { type: "string", default: "100" },
      "throttle-users": { type: "string", default: "1000" },
      accounts: { type: "string", default: "10" },
      "account-users": { type: "string", default: "50" },
      "dispatch-accounts": { type: "string", default: "5000" },
      "memory-users": { type: "string", default: "5000" },
      "slack-owners": { type: "string", default: "500" },
      "slack-timeout": { type: "string", default: "300" },
    },
    strict: true,
  });
  const count = (flag: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`--${flag} takes positive whole numbers, got ${JSON.stringify(text)}`);
    }
    return value;
  };
  return {
    sizes: values.users.split(",").map((size) => count("users", size)),
    latencyUsers: count("latency-users", values["latency-users"]),
    throttleUsers: values["throttle-users"] === "0" ? 0 : count("throttle-users", values["throttle-users"]),
    memoryUsers: values["memory-users"] === "0" ? 0 : count("memory-users", values["memory-users"]),
    organization: {
      accounts: count("accounts", values.accounts),
      usersPerAccount: count("account-users", values["account-users"]),
      dispatchAccounts: count("dispatch-accounts", values["dispatch-accounts"]),
      roundTripMs: ROUND_TRIP_MS,
    },
    slack: {
      owners: values["slack-owners"] === "0" ? 0 : count("slack-owners", values["slack-owners"]),
      timeoutSeconds: count("slack-timeout", values["slack-timeout"]),
      steadyOwners: 100,
    },
  };
}

function client(moto: MotoServer, endpoint: string): IAMClient {
  return new IAMClient({
    endpoint,
    region: moto.awsEnv.AWS_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    ...IAM_CLIENT_CONFIG,
  });
}

interface StrategyRun {
  readonly strategy: string;
  readonly ranAs: string;
  readonly proxyCalls: number;
  readonly scanCalls: number;
  readonly wallMs: number;
  readonly candidates: number | undefined;
  readonly classification: Classification;
}

async function runStrategy(moto: MotoServer, proxy: MotoProxy, env: Record<string, string>): Promise<StrategyRun> {
  const config = loadConfig({ DRY_RUN: "true", ...env });
  const iam = client(moto, proxy.endpoint);
  proxy.reset();
  const started = performance.now();
  const scanner = scannerFor(config, { iam });
  const result = await scanner();
  const wallMs = performance.now() - started;
  iam.destroy();
  return {
    strategy: env.SCAN_STRATEGY ?? "auto",
    ranAs: result.stats.strategy ?? scanner.strategy,
    proxyCalls: proxy.total(),
    scanCalls: result.stats.apiCalls,
    wallMs,
    candidates: result.stats.candidateUsers,
    classification: classifyKeys(result.inventory, config.thresholds, new Date()),
  };
}

function sameFindings(a: Classification, b: Classification): boolean {
  const key = (c: Classification) =>
    JSON.stringify({
      flagged: c.flagged.map((f) => [f.userName, f.accessKeyId, f.status, f.createDate, f.lastUsedDate]),
      counts: c.counts,
      users: c.usersScanned,
    });
  return key(a) === key(b);
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [
    line(cells[0] ?? []),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...cells.slice(1).map(line),
  ].join("\n");
}

async function main(options: BenchOptions): Promise<void> {
  const { sizes, latencyUsers, throttleUsers, memoryUsers, organization } = options;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const started = performance.now();
  console.log(
    `key-age bench · ${new Date().toISOString()} · ${cpus()[0]?.model ?? "?"} ×${cpus().length} · ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version}\n`,
  );

  const moto = await startMotoServer({ accessKeyAgeMinutesByUserPrefix: KEY_AGE_MINUTES_BY_PREFIX });
  const proxy = await startMotoProxy(moto.endpoint);
  const strategyRows: (string | number)[][] = [];
  const latencyRows: (string | number)[][] = [];
  let throttlingRows: (string | number)[][] = [];
  let memoryRows: (string | number)[][] = [];
  let organizationText = "";
  let slackText = "";
  try {
    for (const users of [...new Set([...sizes, latencyUsers, throttleUsers, memoryUsers])]
      .filter((n) => n > 0)
      .sort((a, b) => a - b)) {
      await moto.reset();
      const seedIam = client(moto, moto.endpoint);
      const seedStart = performance.now();
      const population: Population = await seedPopulation(seedIam, users);
      seedIam.destroy();
      process.stderr.write(`seeded ${users} users in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

      if (sizes.includes(users)) {
        const api = await runStrategy(moto, proxy, { SCAN_STRATEGY: "api" });
        const report = await runStrategy(moto, proxy, { SCAN_STRATEGY: "credential-report" });
        for (const run of [api, report]) {
          strategyRows.push([
            users,
            `${population.staleUsers} (${((population.staleUsers / users) * 100).toFixed(0)}%)`,
            run.strategy + (run.ranAs !== run.strategy ? ` → ${run.ranAs}` : ""),
            run.proxyCalls,
            run.scanCalls,
            `${((run.proxyCalls / api.proxyCalls) * 100).toFixed(1)}%`,
            run.candidates ?? "-",
            (run.wallMs / 1000).toFixed(2),
            run.classification.flagged.length,
            run === api ? "(reference)" : sameFindings(api.classification, run.classification) ? "yes" : "NO",
          ]);
        }
      }

      if (users === latencyUsers) {
        proxy.setDelayMs(ROUND_TRIP_MS);
        const sequential = await runStrategy(moto, proxy, { SCAN_STRATEGY: "api", SCAN_CONCURRENCY: "1" });
        const parallel = await runStrategy(moto, proxy, { SCAN_STRATEGY: "api" });
        const hybrid = await runStrategy(moto, proxy, { SCAN_STRATEGY: "credential-report" });
        proxy.setDelayMs(0);
        const defaultConcurrency = loadConfig({ DRY_RUN: "true" }).scanConcurrency;
        for (const [label, run] of [
          ["api, concurrency 1", sequential],
          [`api, concurrency ${defaultConcurrency} (default)`, parallel],
          [`credential-report, concurrency ${defaultConcurrency}`, hybrid],
        ] as const) {
          latencyRows.push([
            users,
            label,
            run.proxyCalls,
            (run.wallMs / 1000).toFixed(2),
            `${(sequential.wallMs / run.wallMs).toFixed(1)}×`,
          ]);
        }
      }

      if (users === throttleUsers) {
        const progress = (line: string) => process.stderr.write(`${line}\n`);
        throttlingRows = comparisonRows(await compareRetryPolicies(moto, proxy, undefined, undefined, progress));
      }

      if (users === memoryUsers) memoryRows = workerMemoryRows(await measureWorkerMemory(moto));
    }
    organizationText = await organizationBench(moto, proxy, organization, table);
    if (options.slack.owners > 0) {
      slackText = await slackOwnersBench(moto, options.slack, table, (line) => process.stderr.write(`${line}\n`));
    }
  } finally {
    await proxy.close();
    await moto.stop();
  }

  console.log("Scan strategies (moto on loopback, no added latency; default thresholds 80d/90d/45d):");
  console.log(
    table(
      [
        "users",
        "stale users",
        "strategy",
        "IAM calls",
        "counted by scan",
        "of api",
        "candidates",
        "wall s",
        "flagged",
        "findings equal",
      ],
      strategyRows,
    ),
  );
  console.log(`\nAPI walk at an injected ${ROUND_TRIP_MS} ms round trip per IAM call:`);
  console.log(table(["users", "scan", "IAM calls", "wall s", "speed-up vs sequential"], latencyRows));
  if (throttlingRows.length > 0) {
    console.log(
      `\nAPI walk of ${throttleUsers} users while the proxy throttles IAM (answers \`Throttling\`, HTTP 400):`,
    );
    console.log(table(COMPARISON_HEADERS, throttlingRows));
  }

  if (memoryRows.length > 0) {
    console.log(
      `\nPeak memory (RSS, Lambda's "Max Memory Used") of one worker invocation scanning one account of ${memoryUsers} users,` +
        ` the deployment bundle in a fresh process (a cold container), DRY_RUN, no alert state; function memory ${DEFAULT_MEMORY_MB} MB:`,
    );
    console.log(table(["container", "peak MB", "of the memory setting", "wall s"], memoryRows));
  }

  console.log(organizationText);
  if (slackText) console.log(slackText);

  const build = measureBuild();
  console.log("\nBuild:");
  console.log(
    table(
      ["figure", "value"],
      [
        ["Lambda zip (as synthesized)", `${(build.zipBytes / 1024).toFixed(1)} KiB (${build.zipBytes} bytes)`],
        ["bundle index.js (minified)", `${(build.bundleBytes / 1024).toFixed(1)} KiB`],
        ["module init (require of the bundle, median of 5)", `${build.moduleInitMs.toFixed(0)} ms`],
        [`synth in process: import main.ts`, `${build.synthImportMs.toFixed(0)} ms`],
        [`synth in process: buildApp + synth of ${build.stacks} stacks`, `${build.synthBuildMs.toFixed(0)} ms`],
        ["synth as a process (`npx tsx main.ts`, wall)", `${build.synthProcessMs.toFixed(0)} ms`],
      ],
    ),
  );
  console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

let options: BenchOptions | undefined;
try {
  options = benchOptions(process.argv.slice(2));
} catch (error) {
  console.error(
    `${(error as Error).message}\nusage: npm run bench [-- --users 100,1000,5000] [--latency-users 100] [--throttle-users 1000] [--accounts 10] [--account-users 50] [--dispatch-accounts 5000] [--memory-users 5000] [--slack-owners 500] [--slack-timeout 300]`,
  );
  process.exitCode = 2;
}
if (options) {
  main(options).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
