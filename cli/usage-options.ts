import { parseArgs } from "node:util";
import { KEY_USAGE_ACTIONS } from "../handler/runtime/aws-contract";
import { EVENT_HISTORY_DAYS } from "../handler/usage/summarize-usage";
import { isRegionName } from "../handler/usage/select-regions";
import { UsageError } from "./cli-options";

/** The parsed `key-age usage` command line. */
export type UsageCommand =
  | { readonly kind: "help" }
  | {
      readonly kind: "usage";
      /** The IAM user access key id, in full. */
      readonly accessKeyId: string;
      /** The window, in days back from now (1–90). */
      readonly days: number;
      /** `--regions`, in the order given, without repeats. @default undefined: every enabled region */
      readonly regions?: readonly string[];
      /** Print JSON instead of the report. */
      readonly json: boolean;
    };

const OPTIONS = {
  days: { type: "string" },
  regions: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The IAM actions `key-age usage` calls (handler/runtime/aws-contract.ts). */
export const USAGE_COMMAND_PERMISSIONS = [...KEY_USAGE_ACTIONS, "iam:GetAccessKeyLastUsed"] as const;

/** The `key-age usage --help` text. */
export const USAGE_COMMAND_HELP = `Usage: key-age usage <access-key-id> [--days 90] [--regions r1,r2] [--json]

Summarises where an IAM user's access key is used, from CloudTrail's event history (LookupEvents by
AccessKeyId): total calls, services, API actions, source IPs, user-agent families (aws-cli, Boto3,
Terraform, SDK for JavaScript, console, ...), regions, first and last seen. Use it before rotating
or deactivating a key, to know what will break.

  aws-vault exec prod-readonly -- npx key-age usage AKIAIOSFODNN7EXAMPLE --days 30

Options:
  --days <n>             the window: the last n days, 1-${EVENT_HISTORY_DAYS} (default ${EVENT_HISTORY_DAYS}, all the event history keeps)
  --regions <r1,r2,...>  read only these regions (default: every region enabled in the account,
                         from ec2:DescribeRegions); each must exist and be enabled
  --json                 print one JSON object: {accessKeyId (masked), user, from, to, days,
                         regionsChecked, regionErrors, events, services: [{service, calls}],
                         actions: [{action, calls}], sourceIps: [{ip, calls}],
                         userAgents: [{agent, calls}], regions: [{region, calls}], firstSeen,
                         lastSeen, caveats}
  -h, --help             show this help

Limits, stated as caveats with every answer: management events only (no S3 object or Lambda
invoke data events); the window; the regions checked (global services such as IAM and STS's
global endpoint are recorded in us-east-1). CloudTrail allows 2 LookupEvents requests a second
per account and region, 50 events each: the command keeps to that, so a busy key takes about
one second per 100 events in its busiest region. Progress goes to stderr on a terminal.

Needs ${USAGE_COMMAND_PERMISSIONS.join(", ")}.

Exit codes: 0 done; 2 bad flags, key id or region; 3 an AWS call failed (a region that failed is
named, and the regions that worked are still summarised).
`;

/** An IAM user's access key id as AWS issues them: `AKIA` and 16 upper-case letters or digits. */
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
// A secret access key pasted by mistake must not be echoed into a terminal or a CI log.
const SECRET_LIKE = /^[A-Za-z0-9/+=]{40}$/;

function parseFlags(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

/** True when the command line asks for `key-age usage` (its first word that is not a flag). */
export function isUsageCommand(argv: readonly string[]): boolean {
  // Lenient: `key-age scan --as-of +30d` must reach the scan's own parser, whatever its flags.
  return (
    parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false }).positionals[0] === "usage"
  );
}

/** Checks the access key id argument; throws a {@link UsageError} that never repeats a secret. */
export function parseAccessKeyId(text: string): string {
  const value = text.trim();
  if (ACCESS_KEY_ID.test(value)) return value;
  if (SECRET_LIKE.test(value)) {
    throw new UsageError(
      "access key id (40 characters, not shown): that looks like a secret access key; pass the key's id (AKIA...)",
    );
  }
  if (/^ASIA/.test(value)) {
    throw new UsageError(
      `access key id ${JSON.stringify(value.slice(0, 24))}: ASIA... ids are temporary credentials of a role session; ` +
        "key-age usage takes an IAM user's access key id (AKIA...)",
    );
  }
  const shown =
    value.length > 24 ? `${JSON.stringify(value.slice(0, 8))}... (${value.length} characters)` : JSON.stringify(value);
  throw new UsageError(
    `access key id ${shown}: expected AKIA and 16 upper-case letters or digits, an IAM user's access key id`,
  );
}

/** Checks `--days`: a whole number from 1 to 90. */
export function parseDays(text: string | undefined): number {
  if (text === undefined) return EVENT_HISTORY_DAYS;
  const days = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > EVENT_HISTORY_DAYS) {
    throw new UsageError(
      `--days ${JSON.stringify(text)}: expected a whole number of days from 1 to ${EVENT_HISTORY_DAYS} ` +
        `(CloudTrail's event history keeps ${EVENT_HISTORY_DAYS} days)`,
    );
  }
  return days;
}

/** Checks `--regions`: well-formed region names; whether they exist is asked of AWS later. */
export function parseRegions(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) throw new UsageError(`--regions ${JSON.stringify(text)}: needs at least one region`);
  for (const name of names) {
    if (!isRegionName(name)) {
      throw new UsageError(`--regions ${JSON.stringify(name)}: not a region name (such as us-east-1 or eu-west-1)`);
    }
  }
  return [...new Set(names)];
}

/** Parses `key-age usage ...` (without `node` and the script). Throws a {@link UsageError} naming the flag and value. */
export function parseUsageOptions(argv: readonly string[]): UsageCommand {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    // node:util's messages name the flag ("Unknown option '--frobnicate'").
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const [, keyText, extra] = positionals;
  if (keyText === undefined) throw new UsageError("missing access key id: key-age usage <access-key-id> [options]");
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
  const accessKeyId = parseAccessKeyId(keyText);
  const days = parseDays(values.days);
  const regions = parseRegions(values.regions);
  return { kind: "usage", accessKeyId, days, ...(regions ? { regions } : {}), json: values.json ?? false };
}
