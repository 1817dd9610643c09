import type { OrganizationAccount } from "../handler/organization/organization-scope";
import { buildJsonReport, type JsonKeyEntry, type JsonReport } from "./json-report";
import type { ScanReport } from "./scan-report";

/** One account of an organization scan: its report, or why it could not be scanned. */
export type AccountScan =
  | { readonly account: OrganizationAccount; readonly report: ScanReport }
  | { readonly account: OrganizationAccount; readonly error: string };

/** The object `key-age scan --organization --json` prints. */
export interface OrganizationJsonReport {
  readonly schemaVersion: 1;
  readonly evaluatedAt: string;
  /** The member role assumed in each account. */
  readonly roleName: string;
  /** Each scanned account's summary: the single-account report without its keys, plus the account's name. */
  readonly accounts: readonly (Omit<JsonReport, "keys" | "schemaVersion" | "evaluatedAt"> & {
    readonly accountName: string | null;
  })[];
  /** Every key of every scanned account, with its `account` id. */
  readonly keys: readonly (JsonKeyEntry & { readonly account: string })[];
  /** Accounts that could not be scanned (role missing, access denied, throttled for good). */
  readonly accountErrors: readonly { readonly account: string; readonly error: string }[];
  /** Suspended or closed accounts, skipped. */
  readonly skippedAccounts: readonly { readonly account: string; readonly state: string }[];
  readonly failOn?: JsonReport["failOn"];
}

/** Extra facts of {@link buildOrganizationJson}. */
export interface OrganizationJsonExtras {
  readonly evaluatedAt: Date;
  readonly roleName: string;
  readonly inactiveAccounts: readonly OrganizationAccount[];
  readonly failOn?: JsonReport["failOn"];
}

/** Builds the organization `--json` object (pure), reusing the single-account report for each account. */
export function buildOrganizationJson(
  scans: readonly AccountScan[],
  extras: OrganizationJsonExtras,
): OrganizationJsonReport {
  const accounts: OrganizationJsonReport["accounts"][number][] = [];
  const keys: OrganizationJsonReport["keys"][number][] = [];
  const accountErrors: OrganizationJsonReport["accountErrors"][number][] = [];
  for (const scan of scans) {
    if ("error" in scan) {
      accountErrors.push({ account: scan.account.id, error: scan.error });
      continue;
    }
    const { keys: accountKeys, schemaVersion: _version, evaluatedAt: _at, ...summary } = buildJsonReport(scan.report);
    accounts.push({ ...summary, accountName: scan.account.name ?? null });
    for (const key of accountKeys) keys.push({ account: scan.account.id, ...key });
  }
  return {
    schemaVersion: 1,
    evaluatedAt: extras.evaluatedAt.toISOString(),
    roleName: extras.roleName,
    accounts,
    keys,
    accountErrors,
    skippedAccounts: extras.inactiveAccounts.map((account) => ({
      account: account.id,
      state: account.state ?? "unknown",
    })),
    ...(extras.failOn ? { failOn: extras.failOn } : {}),
  };
}

/** The organization `--json` output: one pretty-printed object and a newline. */
export function renderOrganizationJson(scans: readonly AccountScan[], extras: OrganizationJsonExtras): string {
  return `${JSON.stringify(buildOrganizationJson(scans, extras), null, 2)}\n`;
}
