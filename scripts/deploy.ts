/**
 * Runs `cdktf diff|deploy|destroy` for one environment, wrapped in `aws-vault exec <profile> --` as
 * the original tool did, or directly when aws-vault is absent or not wanted (CI with its own
 * credentials).
 *
 *   npm run diff -- dev            npm run deploy -- prod            npm run destroy -- dev
 *   npm run deploy -- state-backend (after `npm run bootstrap`, scripts/bootstrap.ts, created it)
 *   options: --no-aws-vault  run cdktf directly with the ambient credentials (also KEY_AGE_NO_AWS_VAULT=1)
 *            --no-session    pass --no-session to aws-vault (see the README, "aws-vault and IAM")
 *            --dry-run       print the command instead of running it
 *   anything after `--` goes to cdktf (e.g. -- --auto-approve)
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { config } from "../environments";
import { validateConfig } from "../stacks/validate-config";
import { monitorStackName } from "../stacks/monitor-stack";
import { STATE_BACKEND_STACK } from "../stacks/state-backend-stack";

const VERBS = ["diff", "deploy", "destroy"] as const;
type Verb = (typeof VERBS)[number];

/** The command line to run for a verb and a target. */
export interface DeployCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** Options of {@link deployCommand}. */
export interface DeployOptions {
  /** Use aws-vault when a profile is configured. @default true */
  readonly useAwsVault?: boolean;
  /** Pass `--no-session` to aws-vault. @default false */
  readonly noSession?: boolean;
  /** Extra arguments for cdktf. @default [] */
  readonly cdktfArgs?: readonly string[];
}

/** Builds the command for `verb` on `target` (an environment name, or `state-backend`). */
export function deployCommand(verb: string, target: string, options: DeployOptions = {}): DeployCommand {
  if (!VERBS.includes(verb as Verb))
    throw new Error(`unknown command ${JSON.stringify(verb)}: use ${VERBS.join(", ")}`);
  const { stateBackend, environments } = validateConfig(config);
  let stack: string;
  let profile: string | undefined;
  if (target === STATE_BACKEND_STACK) {
    stack = STATE_BACKEND_STACK;
    profile = stateBackend.awsVaultProfile;
  } else if (Object.prototype.hasOwnProperty.call(environments, target)) {
    stack = monitorStackName(target);
    profile = environments[target].awsVaultProfile;
  } else {
    const known = [...Object.keys(environments), STATE_BACKEND_STACK].join(", ");
    throw new Error(`unknown environment ${JSON.stringify(target)}: environments.ts defines ${known}`);
  }
  const cdktf = ["cdktf", verb, stack, ...(options.cdktfArgs ?? [])];
  if (profile === undefined || options.useAwsVault === false) return { command: "npx", args: cdktf };
  return {
    command: "aws-vault",
    args: ["exec", ...(options.noSession ? ["--no-session"] : []), profile, "--", "npx", ...cdktf],
  };
}

function awsVaultAvailable(): boolean {
  return spawnSync("aws-vault", ["--version"], { stdio: "ignore" }).status === 0;
}

const FLAGS = {
  "no-aws-vault": { type: "boolean" },
  "no-session": { type: "boolean" },
  "dry-run": { type: "boolean" },
} as const;

const USAGE =
  "usage: deploy <diff|deploy|destroy> <environment|state-backend> [--no-aws-vault] [--no-session] [--dry-run] [-- cdktf args]";

/** The parsed command line of this script. */
export interface DeployArguments {
  readonly verb: string;
  readonly target: string;
  readonly flags: { readonly [flag in keyof typeof FLAGS]: boolean };
  /** Everything after `--`, for cdktf. */
  readonly cdktfArgs: readonly string[];
}

/** Parses the command line (without `node` and the script); throws with the usage on a mistake. */
export function parseDeployArguments(argv: readonly string[]): DeployArguments {
  const separator = argv.indexOf("--");
  const own = separator === -1 ? argv : argv.slice(0, separator);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...own], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's message names the flag ("Unknown option '--frobnicate'").
    const known = Object.keys(FLAGS).map((flag) => `--${flag}`);
    throw new Error(`${(error as Error).message.split(". ")[0]}: use ${known.join(", ")}`);
  }
  const [verb, target, ...extra] = parsed.positionals;
  if (!verb || !target) throw new Error(USAGE);
  if (extra.length > 0) throw new Error(`unexpected argument ${JSON.stringify(extra[0])}\n${USAGE}`);
  const { values } = parsed;
  return {
    verb,
    target,
    flags: {
      "no-aws-vault": values["no-aws-vault"] === true,
      "no-session": values["no-session"] === true,
      "dry-run": values["dry-run"] === true,
    },
    cdktfArgs: separator === -1 ? [] : argv.slice(separator + 1),
  };
}

function main(argv: readonly string[]): number {
  let parsed: DeployArguments;
  try {
    parsed = parseDeployArguments(argv);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const { verb, target, flags, cdktfArgs } = parsed;
  const skipVault = flags["no-aws-vault"] || process.env.KEY_AGE_NO_AWS_VAULT === "1";
  let command: DeployCommand;
  try {
    command = deployCommand(verb, target, { useAwsVault: !skipVault, noSession: flags["no-session"], cdktfArgs });
    if (command.command === "aws-vault" && !flags["dry-run"] && !awsVaultAvailable()) {
      console.error("aws-vault is not installed: install it, or run with --no-aws-vault and your own credentials");
      return 2;
    }
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  console.error(`> ${command.command} ${command.args.join(" ")}`);
  if (flags["dry-run"]) return 0;
  return spawnSync(command.command, command.args, { stdio: "inherit" }).status ?? 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
