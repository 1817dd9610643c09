import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import type { MonitorConfig } from "../handler/runtime/config/config";
import { describeError } from "../handler/runtime/error-fields";
import { mapWithConcurrency } from "../handler/runtime/map-with-concurrency";
import {
  accountLabel,
  accountsInScope,
  type AccountsInScope,
  type OrganizationAccount,
} from "../handler/organization/organization-scope";
import { SUPPORT_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { assumeMemberRole, memberIamClient } from "../handler/organization/member-credentials";
import { listOrganizationAccounts } from "../handler/organization/organization-accounts";
import type { OrganizationTarget } from "./cli-options";
import { cliScanner } from "./cli-scanner";
import { exposedFindings, exposedKeysText, findingsAtOrAbove } from "./fail-on";
import { FLAGGED_STATUSES } from "../handler/scan/classify";
import { EXIT_CODES, type CliIo, type ScanCommand } from "./cli-io";
import { renderOrganizationJson, type AccountScan } from "./organization-report";
import { renderTable } from "./render-table";
import { buildScanReport } from "./scan-report";
import { ANSI_STYLE, PLAIN_STYLE, shouldColour } from "./terminal-style";

/**
 * `key-age scan --organization` / `--accounts`: the single-account scan and classification, run in
 * each member account with the member role's credentials, a few accounts at a time. One account's
 * failure is reported and fails the exit code; the others are still scanned and printed.
 */
export async function scanOrganization(
  io: CliIo,
  command: ScanCommand,
  target: OrganizationTarget,
  config: MonitorConfig,
  evaluatedAt: Date,
): Promise<number> {
  // The operator's own credentials (aws-vault in the management account) list and assume; the
  // member role's credentials do the IAM reads.
  const sts = new STSClient(SUPPORT_CLIENT_CONFIG);
  let scope: AccountsInScope;
  try {
    scope = await resolveScope(target);
  } catch (error) {
    sts.destroy();
    io.stderr.write(
      `key-age: listing the organization's accounts failed: ${describeError(error)}\n` +
        "  Run --organization from the management account or a delegated administrator, or name accounts with --accounts.\n",
    );
    return EXIT_CODES.failure;
  }
  const skipped = scope.inactive.length;
  io.stderr.write(
    `key-age: scanning ${scope.accounts.length} ${scope.accounts.length === 1 ? "account" : "accounts"} as role ${target.roleName}` +
      (skipped > 0 ? ` (${skipped} suspended or closed skipped)` : "") +
      "\n",
  );

  let done = 0;
  const scans = await mapWithConcurrency(scope.accounts, target.concurrency, async (account): Promise<AccountScan> => {
    const result = await scanOne(account, target, config, evaluatedAt, sts, command);
    done += 1;
    const where = `[${done}/${scope.accounts.length}] account ${accountLabel(account)}`;
    if ("error" in result) {
      io.stderr.write(`key-age: ${where}: could not be scanned: ${result.error}\n`);
    } else {
      const findings = result.report.classification.findings;
      const flagged = findings.filter((finding) => FLAGGED_STATUSES.includes(finding.status)).length;
      io.stderr.write(`key-age: ${where}: ${findings.length} keys, ${flagged} need attention\n`);
    }
    return result;
  });
  sts.destroy();

  const reports = scans.flatMap((scan) => ("report" in scan ? [scan.report] : []));
  const failures = scans.filter((scan) => "error" in scan);
  const failing = command.failOn
    ? reports.flatMap((report) => findingsAtOrAbove(report.classification.findings, command.failOn!))
    : [];
  // An exposed key fails the run whatever --fail-on says: AWS says it leaked.
  const exposed = reports.flatMap((report) => exposedFindings(report.classification.findings));
  const failOnMet = failing.length > 0 || exposed.length > 0;

  if (command.json) {
    io.stdout.write(
      renderOrganizationJson(scans, {
        evaluatedAt,
        roleName: target.roleName,
        inactiveAccounts: scope.inactive,
        ...(command.failOn ? { failOn: { level: command.failOn, met: failing.length > 0, keys: failing.length } } : {}),
      }),
    );
  } else {
    const colour = shouldColour({ isTTY: io.stdout.isTTY === true, env: io.env, noColorFlag: command.noColor });
    const style = colour ? ANSI_STYLE : PLAIN_STYLE;
    for (const report of reports) io.stdout.write(`${renderTable(report, style)}\n`);
    io.stdout.write(`${organizationFooter(scans, scope, style)}\n`);
  }
  const exposedText = exposedKeysText(exposed);
  if (exposedText) io.stderr.write(`key-age: ${exposedText}\n`);
  if (failing.length > 0) {
    io.stderr.write(
      `key-age: ${failing.length} keys are at or above ${command.failOn} (--fail-on ${command.failOn})\n`,
    );
  }
  if (failures.length > 0) {
    io.stderr.write(
      `key-age: ${failures.length} of ${scope.accounts.length} ${scope.accounts.length === 1 ? "account" : "accounts"} could not be scanned\n`,
    );
    return EXIT_CODES.failure;
  }
  return failOnMet ? EXIT_CODES.failOnMet : EXIT_CODES.ok;
}

async function resolveScope(target: OrganizationTarget): Promise<AccountsInScope> {
  if (target.accounts !== "organization") {
    return accountsInScope(
      target.accounts.map((id) => ({ id })),
      {},
    );
  }
  const org = new OrganizationsClient(SUPPORT_CLIENT_CONFIG);
  try {
    return accountsInScope(await listOrganizationAccounts(org), {});
  } finally {
    org.destroy();
  }
}

async function scanOne(
  account: OrganizationAccount,
  target: OrganizationTarget,
  config: MonitorConfig,
  evaluatedAt: Date,
  sts: STSClient,
  command: ScanCommand,
): Promise<AccountScan> {
  try {
    const credentials = await assumeMemberRole({ sts, accountId: account.id, roleName: target.roleName });
    const iam = memberIamClient(credentials);
    try {
      const scanner = cliScanner(config, iam, evaluatedAt);
      const scan = await scanner();
      const report = buildScanReport(scan, config, {
        accountId: account.id,
        ...(account.name ? { accountName: account.name } : {}),
        evaluatedAt,
        forecast: command.asOf !== undefined,
        strategy: scanner.strategy,
        noticeAt: evaluatedAt,
      });
      return { account, report };
    } finally {
      iam.destroy();
    }
  } catch (error) {
    return { account, error: describeError(error) };
  }
}

function organizationFooter(scans: readonly AccountScan[], scope: AccountsInScope, style: typeof PLAIN_STYLE): string {
  const failed = scans.filter((scan): scan is Extract<AccountScan, { error: string }> => "error" in scan);
  const lines = [
    style.bold(
      `Accounts: ${scans.length - failed.length} scanned, ${failed.length} failed` +
        (scope.inactive.length > 0 ? `, ${scope.inactive.length} suspended or closed skipped` : ""),
    ),
  ];
  for (const failure of failed) {
    lines.push(`  account ${accountLabel(failure.account)} could not be scanned: ${failure.error}`);
  }
  return lines.join("\n");
}
