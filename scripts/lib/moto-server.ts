import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { freePort } from "./free-port";
import { QUARANTINE_POLICY_NAME_PREFIX } from "../../handler/scan/exposure";

// moto's server, with the policy-evaluation fix explained in scripts/moto_server.py.
const LAUNCHER = path.join(__dirname, "..", "moto_server.py");
const PYTHON = process.env.MOTO_PYTHON ?? "python3";

/** A moto server running on a loopback port, started by {@link startMotoServer}. */
export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`: what `AWS_ENDPOINT_URL` should be set to. */
  readonly endpoint: string;
  /** Environment that points the AWS SDK and Terraform at this server with dummy credentials. */
  readonly awsEnv: Readonly<Record<string, string>>;
  /** Clears every emulated resource. */
  reset(): Promise<void>;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** The region every local run uses. */
export const LOCAL_REGION = "us-east-1";

/** What to do when Python cannot import moto's server. */
const INSTALL_MOTO =
  `${PYTHON} cannot import moto's server: install it with \`pip install 'moto[server]'\` ` +
  "(or set MOTO_PYTHON to the Python interpreter that has it)";

/** True when Python can import moto's server (`pip install 'moto[server]'`). */
export function motoServerAvailable(): boolean {
  return spawnSync(PYTHON, ["-c", "import moto.server"], { stdio: "ignore" }).status === 0;
}

/** Options of {@link startMotoServer}. */
export interface MotoServerOptions {
  /** Every IAM access key is created this many minutes in the past (see scripts/moto_server.py). @default 0 */
  readonly accessKeyAgeMinutes?: number;
  /**
   * Access keys of users whose name starts with a prefix are created that many minutes in the past; a
   * list gives the user's successive keys their own ages (the last repeats). @default {}
   */
  readonly accessKeyAgeMinutesByUserPrefix?: Readonly<Record<string, number | readonly number[]>>;
  /**
   * AWS managed policies in IAM (`MOTO_IAM_LOAD_MANAGED_POLICIES`): `quarantine` creates only the
   * `AWSCompromisedKeyQuarantine*` ones AWS attaches to the user of a leaked key (see
   * scripts/moto_server.py), `all` every one, which costs each account's IAM seconds at first use.
   * @default none
   */
  readonly managedPolicies?: "quarantine" | "all";
}

/**
 * Starts `moto_server` on a free loopback port and resolves once it answers. Without moto it fails
 * with how to install it, read from the server's own exit (no separate Python start to check first:
 * the tests start about 45 servers a run, and each check cost a second of CPU).
 */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(PYTHON, [LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      MOTO_ACCESS_KEY_AGE_MINUTES: String(options.accessKeyAgeMinutes ?? 0),
      MOTO_ACCESS_KEY_AGE_MINUTES_BY_USER_PREFIX: JSON.stringify(options.accessKeyAgeMinutesByUserPrefix ?? {}),
      MOTO_IAM_LOAD_MANAGED_POLICIES: options.managedPolicies ? "true" : "false",
      MOTO_IAM_MANAGED_POLICY_PREFIX: options.managedPolicies === "quarantine" ? QUARANTINE_POLICY_NAME_PREFIX : "",
    },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await waitUntilReady(endpoint, child, () => stderr);
  return {
    endpoint,
    awsEnv: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
    },
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      if (/No module named '?moto/.test(stderr())) throw new Error(INSTALL_MOTO);
      throw new Error(`moto_server exited with code ${child.exitCode}: ${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
