/**
 * `npm run bootstrap`: creates (or updates) the state bucket and lock table, and keeps the bootstrap's
 * own state in that bucket under `state-backend/terraform.tfstate`, locked by the same table. The
 * first run applies with local state and then migrates it; every later run plans against the remote
 * state and changes nothing unless the stack changed. Runs under `aws-vault exec <stateBackend.awsVaultProfile>`.
 *
 *   npm run bootstrap
 *   npm run bootstrap -- --adopt-existing   the local state of an earlier bootstrap was lost: import
 *                                           the existing bucket and table, then move the state
 *   options: --no-aws-vault (also KEY_AGE_NO_AWS_VAULT=1), --no-session, --dry-run (print the aws-vault command)
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { App } from "cdktf";
import { config } from "../environments";
import { buildApp } from "../main";
import { STATE_BACKEND_STACK } from "../stacks/state-backend-stack";
import { ConfigError, validateConfig } from "../stacks/validate-config";
import { BootstrapError, bootstrapStateBackend } from "./lib/bootstrap-state-backend";
import { terraformEnvironment } from "./lib/terraform";

const ROOT = path.join(__dirname, "..");
// cdktf's own output directory, so `cdktf diff state-backend` finds the initialised stack afterwards.
const OUTDIR = path.join(ROOT, "cdktf.out");

/** Options of {@link bootstrapCommand}. */
export interface BootstrapCommandOptions {
  /** Wrap the run in aws-vault when a profile is configured. @default true */
  readonly useAwsVault?: boolean;
  /** Pass `--no-session` to aws-vault. @default false */
  readonly noSession?: boolean;
  /** Import an existing bucket and lock table. @default false */
  readonly adoptExisting?: boolean;
}

/**
 * The aws-vault command that runs this script again inside the profile's credentials, or undefined
 * when the bootstrap runs here and now (no profile, or aws-vault not wanted).
 */
export function bootstrapCommand(
  options: BootstrapCommandOptions = {},
): { command: string; args: string[] } | undefined {
  const profile = validateConfig(config).stateBackend.awsVaultProfile;
  if (profile === undefined || options.useAwsVault === false) return undefined;
  return {
    command: "aws-vault",
    args: [
      "exec",
      ...(options.noSession ? ["--no-session"] : []),
      profile,
      "--",
      "npx",
      "tsx",
      path.relative(ROOT, __filename),
      "--no-aws-vault",
      ...(options.adoptExisting ? ["--adopt-existing"] : []),
    ],
  };
}

async function main(argv: string[]): Promise<number> {
  let values: Record<string, boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "adopt-existing": { type: "boolean" },
        "no-aws-vault": { type: "boolean" },
        "no-session": { type: "boolean" },
        "dry-run": { type: "boolean" },
      },
    }));
  } catch (error) {
    console.error(
      `${(error as Error).message}\nusage: bootstrap [--adopt-existing] [--no-aws-vault] [--no-session] [--dry-run]`,
    );
    return 2;
  }
  const wrapped = bootstrapCommand({
    useAwsVault: !values["no-aws-vault"] && process.env.KEY_AGE_NO_AWS_VAULT !== "1",
    noSession: values["no-session"],
    adoptExisting: values["adopt-existing"],
  });
  if (wrapped) {
    console.error(`> ${wrapped.command} ${wrapped.args.join(" ")}`);
    if (values["dry-run"]) return 0;
    if (spawnSync("aws-vault", ["--version"], { stdio: "ignore" }).status !== 0) {
      console.error("aws-vault is not installed: install it, or run with --no-aws-vault and your own credentials");
      return 2;
    }
    return spawnSync(wrapped.command, wrapped.args, { stdio: "inherit", cwd: ROOT }).status ?? 1;
  }
  if (values["dry-run"]) {
    console.error("> (no aws-vault profile) synthesize, then bootstrap the state backend with the ambient credentials");
    return 0;
  }

  buildApp(config, new App({ outdir: OUTDIR })).synth();
  // Offline machines name their provider mirror; elsewhere Terraform's own CLI config applies.
  const env = {
    CHECKPOINT_DISABLE: "1",
    ...(process.env.TF_PROVIDER_MIRROR ? terraformEnvironment(OUTDIR) : {}),
  };
  const result = await bootstrapStateBackend({
    stackDir: path.join(OUTDIR, "stacks", STATE_BACKEND_STACK),
    env,
    adoptExisting: values["adopt-existing"],
    log: (line) => console.error(`• ${line}`),
  });
  console.error(result.changed ? "bootstrap: done" : "bootstrap: nothing to change");
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      // The user's to fix (bad config, lost state): the message, not a stack trace.
      console.error(error instanceof ConfigError || error instanceof BootstrapError ? error.message : error);
      process.exit(1);
    },
  );
}
