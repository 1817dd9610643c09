/**
 * `key-age usage <access-key-id>`: where a key is used, from CloudTrail's event history. Loaded only
 * for this command (the EC2 client alone takes most of a second to load).
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { describeLink, errorChain } from "../handler/runtime/error-fields";
import { IAM_CLIENT_CONFIG, SUPPORT_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { type AccessKeyUser, accessKeyUser } from "../handler/usage/access-key-user";
import { describeRegions } from "../handler/usage/describe-regions";
import { type LookupProgress, lookupKeyEvents } from "../handler/usage/lookup-key-events";
import { RegionChoiceError, type DescribedRegion, regionsToCheck } from "../handler/usage/select-regions";
import { UsageTally, summarizeUsage } from "../handler/usage/summarize-usage";
import { UsageError } from "./cli-options";
import { renderUsageReport, usageJson } from "./render-usage";
import { USAGE_COMMAND_HELP, USAGE_COMMAND_PERMISSIONS, type UsageCommand, parseUsageOptions } from "./usage-options";
import { showLookupProgress } from "./usage-progress";

// key-age's exit codes (EXIT_CODES in key-age.ts), restated so this module does not import the entry point.
const EXIT_OK = 0;
const EXIT_USAGE = 2;
const EXIT_FAILURE = 3;

const DAY_MS = 86_400_000;

/** The process as `key-age usage` sees it; key-age's `CliIo` fits. AWS clients still read `process.env`. */
export interface UsageCommandIo {
  readonly argv: readonly string[];
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** Runs `key-age usage` and resolves with its exit code; it never throws. */
export async function runUsageCommand(io: UsageCommandIo): Promise<number> {
  let command: UsageCommand;
  try {
    command = parseUsageOptions(io.argv);
  } catch (error) {
    // One line: the flag, the value and why; no stack trace.
    const message = error instanceof UsageError ? error.message : describeError(error);
    io.stderr.write(`key-age usage: ${message} (see key-age usage --help)\n`);
    return EXIT_USAGE;
  }
  if (command.kind === "help") {
    io.stdout.write(USAGE_COMMAND_HELP);
    return EXIT_OK;
  }

  const to = (io.now ?? (() => new Date()))();
  const from = new Date(to.getTime() - command.days * DAY_MS);
  // Endpoint, region and credentials come from the SDK's default chains, as for `key-age scan`.
  const iam = new IAMClient(IAM_CLIENT_CONFIG);
  const ec2 = new EC2Client(SUPPORT_CLIENT_CONFIG);
  let described: DescribedRegion[];
  let owner: AccessKeyUser;
  try {
    [described, owner] = await Promise.all([describeRegions(ec2), accessKeyUser(iam, command.accessKeyId)]);
  } catch (error) {
    io.stderr.write(`key-age usage: ${describeError(error)}${hintFor(error)}\n`);
    return EXIT_FAILURE;
  } finally {
    iam.destroy();
    ec2.destroy();
  }

  let regions: string[];
  try {
    regions = regionsToCheck(command.regions, described);
  } catch (error) {
    if (!(error instanceof RegionChoiceError)) throw error;
    io.stderr.write(`key-age usage: ${error.message}\n`);
    return EXIT_USAGE;
  }

  const tally = new UsageTally();
  let progress: LookupProgress = { regionsTotal: regions.length, regionsDone: 0, events: 0, requests: 0, throttled: 0 };
  const stopProgress = io.stderr.isTTY ? showLookupProgress(io.stderr, () => progress) : undefined;
  let result: Awaited<ReturnType<typeof lookupKeyEvents>>;
  try {
    result = await lookupKeyEvents({
      accessKeyId: command.accessKeyId,
      regions,
      from,
      to,
      onEvents: (events) => tally.add(events),
      onProgress: (next) => {
        progress = next;
      },
    });
  } finally {
    stopProgress?.();
  }

  const summary = summarizeUsage(tally, {
    accessKeyId: command.accessKeyId,
    user: owner.user,
    ...(owner.problem ? { userProblem: owner.problem } : {}),
    from,
    to,
    regionsChecked: result.regionsChecked,
    regionErrors: result.regionErrors,
  });
  io.stdout.write(command.json ? `${JSON.stringify(usageJson(summary), null, 2)}\n` : renderUsageReport(summary));
  for (const failure of summary.regionErrors) {
    io.stderr.write(`key-age usage: LookupEvents failed in ${failure.region}: ${failure.error}\n`);
  }
  return summary.regionErrors.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** The error and its causes, one `Name: message` each. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (const link of errorChain(error)) {
    const text = describeLink(link);
    if (!parts.some((part) => part.includes(text))) parts.push(text);
  }
  return parts.join(", caused by ");
}

function hintFor(error: unknown): string {
  const text = describeError(error);
  if (/Could not load credentials|CredentialsProviderError/.test(text)) {
    return "\n  No AWS credentials found: run under `aws-vault exec <profile> --` or set AWS_PROFILE.";
  }
  if (/Region is missing/.test(text)) {
    return "\n  No AWS region set: set AWS_REGION (for example us-east-1); the regions to read come from ec2:DescribeRegions there.";
  }
  if (/AccessDenied|UnauthorizedOperation/.test(text)) {
    return `\n  key-age usage needs ${USAGE_COMMAND_PERMISSIONS.join(", ")}.`;
  }
  return "";
}
