import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runProcess, type ProcessResult } from "../../../scripts/lib/run-process";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "key-age.js");

/** What one `key-age` process did. */
export type CliRun = ProcessResult;

// An empty home: no developer ~/.aws profile can reach the CLI under test.
const home = mkdtempSync(path.join(tmpdir(), "key-age-cli-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/**
 * Runs `bin/key-age.js` (what `npx key-age` runs) as a child process with exactly `env` plus PATH,
 * stdout and stderr piped (so neither is a terminal). Asynchronous, so loopback servers in the test
 * process keep answering while it runs.
 */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliRun> {
  return runProcess(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      AWS_EC2_METADATA_DISABLED: "true",
      // The SDK's "Node 20 support ends" notice would otherwise fill every stderr assertion's output.
      NODE_NO_WARNINGS: "1",
      ...env,
    },
  });
}

/** A `YYYY-MM-DD` date `days` days from now (UTC). */
export function daysAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
