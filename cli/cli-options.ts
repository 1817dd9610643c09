import { parseArgs } from "node:util";
import { CONFIG_DEFAULTS, MAX_SCAN_CONCURRENCY, MIN_SCAN_CONCURRENCY } from "../handler/runtime/config/config";
import { parseDuration } from "../handler/runtime/duration";
import { DEFAULT_MEMBER_ROLE_NAME, isRoleName, parseAccountIds } from "../handler/organization/organization-scope";
import { FAIL_ON_LEVELS, isFailOnLevel, type FailOnLevel } from "./fail-on";

/** A command-line mistake; the CLI prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Flags that stand in for an environment variable of the handler's contract; the flag wins. */
export const ENV_FLAGS = {
  "warning-age": "WARNING_AGE",
  "critical-age": "CRITICAL_AGE",
  "unused-age": "UNUSED_AGE",
  "watch-users": "WATCH_USERS",
  environment: "ENVIRONMENT_NAME",
  strategy: "SCAN_STRATEGY",
  concurrency: "SCAN_CONCURRENCY",
} as const;

/** A flag of {@link ENV_FLAGS}. */
export type EnvFlag = keyof typeof ENV_FLAGS;

/** What the command line asked for. */
export type CliCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | {
      readonly kind: "scan";
      /** Environment overrides from flags, by variable name. */
      readonly envOverrides: Readonly<Partial<Record<(typeof ENV_FLAGS)[EnvFlag], string>>>;
      /** The `--as-of` moment. @default undefined: now */
      readonly asOf?: Date;
      /** The `--fail-on` level. @default undefined: never exit 1 */
      readonly failOn?: FailOnLevel;
      /** Print JSON instead of the table. */
      readonly json: boolean;
      /** Also post the Slack digest. */
      readonly notify: boolean;
      /** `--no-color`. */
      readonly noColor: boolean;
      /** `--organization` or `--accounts`: scan member accounts through their role. @default undefined: this account */
      readonly organization?: OrganizationTarget;
    };

/** Which member accounts `key-age scan` fans out to, and how. */
export interface OrganizationTarget {
  /** `organization`: every active account of `organizations:ListAccounts`; else these ids. */
  readonly accounts: "organization" | readonly string[];
  /** The member role's name. @default DEFAULT_MEMBER_ROLE_NAME */
  readonly roleName: string;
  /** Accounts scanned at once. @default DEFAULT_ACCOUNT_CONCURRENCY */
  readonly concurrency: number;
}

/** Accounts the CLI scans at once: each runs its own SCAN_CONCURRENCY IAM requests. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 4;
/** The most accounts `--account-concurrency` allows at once. */
export const MAX_ACCOUNT_CONCURRENCY = 32;

const OPTIONS = {
  "warning-age": { type: "string" },
  "critical-age": { type: "string" },
  "unused-age": { type: "string" },
  "watch-users": { type: "string" },
  environment: { type: "string" },
  strategy: { type: "string" },
  concurrency: { type: "string" },
  "as-of": { type: "string" },
  "fail-on": { type: "string" },
  json: { type: "boolean" },
  notify: { type: "boolean" },
  "no-color": { type: "boolean" },
  organization: { type: "boolean" },
  accounts: { type: "string" },
  "role-name": { type: "string" },
  "account-concurrency": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** The `--help` text. */
export const USAGE = `Usage: key-age scan [options]
       key-age usage <access-key-id> [--days 90] [--regions r1,r2] [--json]
                             where a key is used, from CloudTrail (key-age usage --help)

Lists every IAM access key of the account with its age, last use and status, using the
same configuration and classification as the deployed function. Credentials come from the
default AWS chain (environment, AWS_PROFILE, SSO, aws-vault, instance roles), so:

  aws-vault exec <profile> -- npx key-age scan

Options:
  --warning-age <duration>   key age at which a key is a warning        (WARNING_AGE, default ${CONFIG_DEFAULTS.WARNING_AGE})
  --critical-age <duration>  key age at which a key must be rotated     (CRITICAL_AGE, default ${CONFIG_DEFAULTS.CRITICAL_AGE})
  --unused-age <duration>    idle time after which an active key is unused
                             (never used: counted from creation)        (UNUSED_AGE, default ${CONFIG_DEFAULTS.UNUSED_AGE})
  --watch-users <a,b,...>    scan only these users                      (WATCH_USERS, default all users)
  --environment <name>       label shown in the output and the digest   (ENVIRONMENT_NAME)
  --strategy <name>          api: read every user's keys (what auto means for the CLI, which
                             lists every key); credential-report: read only the users the IAM
                             credential report cannot clear, count the others (SCAN_STRATEGY)
  --concurrency <n>          IAM requests in flight, ${MIN_SCAN_CONCURRENCY}-${MAX_SCAN_CONCURRENCY}               (SCAN_CONCURRENCY, default ${CONFIG_DEFAULTS.SCAN_CONCURRENCY})
  --as-of <time>             evaluate ages at another moment, to forecast what goes stale by then:
                               YYYY-MM-DD        that day, 00:00 UTC
                               ISO 8601 time     e.g. 2026-03-01T09:30Z; UTC unless it has an offset
                               +<duration>       that long from now, e.g. +30d
                             Last use is taken as of now (no use is assumed in between).
  --fail-on <status>         exit 1 if any key is at or above <status>: ${FAIL_ON_LEVELS.join(", ")}.
                             Order: unused < warning < critical < exposed (as in the digest);
                             ok, inactive and exempt keys never fail the run. An exposed key
                             (AWS's quarantine policy on its user) exits 1 even without --fail-on.
  --json                     print one JSON object instead of the table
  --notify                   also post the Slack digest, as the function does. Needs
                             SLACK_WEBHOOK_PARAMETER (SSM) or SLACK_WEBHOOK_URL; with DRY_RUN=true
                             the payload is printed to stderr instead. It posts every flagged key:
                             ALERT_STATE_TABLE is neither read nor written. Not with --as-of.
  --organization             scan every active account of the organization (organizations:ListAccounts
                             from the management or a delegated-admin account), assuming the member
                             role in each; suspended and closed accounts are skipped and counted
  --accounts <id,id,...>     scan these member accounts instead (no Organizations access needed)
  --role-name <name>         the member role to assume (default ${DEFAULT_MEMBER_ROLE_NAME})
  --account-concurrency <n>  accounts scanned at once, 1-${MAX_ACCOUNT_CONCURRENCY}              (default ${DEFAULT_ACCOUNT_CONCURRENCY})
  --no-color                 no colours (also off when NO_COLOR is set or stdout is not a terminal)
  -h, --help                 show this help
  --version                  print the version

Durations are a whole number and a unit m, h, d or w: 25m, 12h, 90d, 2w.
With DEACTIVATE_AGE set, a DEACTIVATION column (and keys[].deactivation) shows each key's date
as if the notice went out now; with --as-of, "(by then)" marks the keys deactivated by that
moment. The CLI never deactivates anything (ENFORCEMENT is ignored).
Flags override the environment variables named in brackets. MESSAGE_STYLE, DRY_RUN and the
webhook variables are read from the environment as the function reads them.

Output: a table grouped by status (most severe first) on stdout; colours only on a terminal.
Progress goes to stderr while a scan runs, when stderr is a terminal.
--json prints {accountId, environment, evaluatedAt, forecast, thresholds, strategy, usersScanned,
counts, skippedUsers, missingWatchedUsers, keys: [{user, accessKeyId (masked), status, state,
createdAt, ageDays, lastUsed, lastUsedService, idleDays, exemptUntil?, exposure?, remediation,
deactivation?}], unlistedKeys, reportGeneratedAt?, failOn?, notification?}.
Statuses: exposed, critical, warning, unused, ok, inactive, exempt.

Exit codes:
  0  the scan finished, no key is exposed and no key met --fail-on
  1  at least one key is exposed, or at or above the --fail-on status
  2  usage or configuration error
  3  the scan, the webhook lookup or the Slack delivery failed
`;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Parses an `--as-of` value relative to `now`: `YYYY-MM-DD` (00:00 UTC), an ISO 8601 date-time
 * (UTC unless it carries an offset) or `+<duration>`. Throws a {@link UsageError} naming `--as-of`.
 */
export function parseAsOf(text: string, now: Date): Date {
  const value = text.trim();
  const fail = (why: string): never => {
    throw new UsageError(`--as-of ${JSON.stringify(text)}: ${why}`);
  };
  if (value.startsWith("+")) {
    try {
      return new Date(now.getTime() + parseDuration(value.slice(1)));
    } catch (error) {
      return fail(`a relative time is + and a duration; ${(error as Error).message}`);
    }
  }
  const hint = "expected YYYY-MM-DD, an ISO 8601 time such as 2026-03-01T09:30Z, or +<duration> such as +30d";
  let parsed: Date;
  if (DATE_ONLY.test(value)) {
    parsed = new Date(`${value}T00:00:00Z`);
  } else if (DATE_TIME.test(value)) {
    // Without an offset, JavaScript reads a date-time as local time; the CLI reads it as UTC like a date.
    parsed = new Date(/(Z|[+-]\d{2}:\d{2})$/i.test(value) ? value : `${value}Z`);
  } else {
    return fail(hint);
  }
  // Date rolls 2026-02-30 over to March: reject calendar dates that do not round-trip.
  if (Number.isNaN(parsed.getTime()) || !sameCalendarDate(value)) return fail(`not a real date; ${hint}`);
  return parsed;
}

function sameCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split("-").map(Number);
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages name the flag ("Unknown option '--frobnicate'").
    throw new UsageError((error as Error).message);
  }
}

/** Parses the command line (without `node` and the script). Throws a {@link UsageError} naming the bad flag. */
export function parseCliOptions(argv: readonly string[], now: Date): CliCommand {
  const { values, positionals } = parseFlags(argv);
  if (values.help || positionals[0] === "help") return { kind: "help" };
  if (values.version) return { kind: "version" };
  if (positionals.length === 0) throw new UsageError("missing command: key-age scan [options]");
  if (positionals[0] !== "scan")
    throw new UsageError(`unknown command ${JSON.stringify(positionals[0])}: the commands are scan and usage`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);

  const envOverrides: Partial<Record<(typeof ENV_FLAGS)[EnvFlag], string>> = {};
  for (const flag of Object.keys(ENV_FLAGS) as EnvFlag[]) {
    const value = values[flag];
    if (value === undefined) continue;
    if (value.trim() === "") throw new UsageError(`--${flag} needs a value`);
    if (flag.endsWith("-age")) {
      try {
        parseDuration(value);
      } catch (error) {
        throw new UsageError(`--${flag} ${JSON.stringify(value)}: ${(error as Error).message}`);
      }
    }
    envOverrides[ENV_FLAGS[flag]] = value;
  }

  const failOnText = values["fail-on"];
  if (failOnText !== undefined && !isFailOnLevel(failOnText)) {
    throw new UsageError(`--fail-on ${JSON.stringify(failOnText)}: expected one of ${FAIL_ON_LEVELS.join(", ")}`);
  }
  const asOf = values["as-of"] === undefined ? undefined : parseAsOf(values["as-of"], now);
  const notify = values.notify ?? false;
  if (notify && asOf) {
    throw new UsageError("--notify cannot be combined with --as-of: the Slack digest reports keys as they are now");
  }
  const organization = organizationTarget(values, notify);
  return {
    kind: "scan",
    envOverrides,
    ...(organization ? { organization } : {}),
    ...(asOf ? { asOf } : {}),
    ...(failOnText !== undefined ? { failOn: failOnText as FailOnLevel } : {}),
    json: values.json ?? false,
    notify,
    noColor: values["no-color"] ?? false,
  };
}

function organizationTarget(
  values: ReturnType<typeof parseFlags>["values"],
  notify: boolean,
): OrganizationTarget | undefined {
  const accountsText = values.accounts;
  const fanOut = values.organization === true || accountsText !== undefined;
  if (!fanOut) {
    for (const flag of ["role-name", "account-concurrency"] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --organization or --accounts`);
    }
    return undefined;
  }
  if (values.organization && accountsText !== undefined) {
    throw new UsageError("--organization and --accounts cannot be combined: pick the whole organization or a list");
  }
  if (notify) {
    throw new UsageError("--notify scans one account; the deployed organization mode posts each account's digest");
  }
  let accounts: "organization" | string[] = "organization";
  if (accountsText !== undefined) {
    try {
      accounts = parseAccountIds(accountsText, "--accounts");
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (accounts.length === 0) throw new UsageError("--accounts needs at least one account id");
  }
  const roleName = values["role-name"] ?? DEFAULT_MEMBER_ROLE_NAME;
  if (!isRoleName(roleName)) {
    throw new UsageError(`--role-name ${JSON.stringify(roleName)}: not an IAM role name (1-64 of A-Z a-z 0-9 +=,.@_-)`);
  }
  const concurrencyText = values["account-concurrency"];
  const concurrency = concurrencyText === undefined ? DEFAULT_ACCOUNT_CONCURRENCY : Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_ACCOUNT_CONCURRENCY) {
    throw new UsageError(
      `--account-concurrency ${JSON.stringify(concurrencyText)}: expected a whole number from 1 to ${MAX_ACCOUNT_CONCURRENCY}`,
    );
  }
  return { accounts, roleName, concurrency };
}
