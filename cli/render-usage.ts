import { maskAccessKeyId } from "../handler/runtime/mask";
import { type UsageSummary, formatUtcMinute, windowDays } from "../handler/usage/summarize-usage";

/** The `key-age usage --json` object. */
export interface UsageJson {
  /** Masked, as everywhere the monitor prints a key. */
  readonly accessKeyId: string;
  readonly user: string | null;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly regionsChecked: readonly string[];
  readonly regionErrors: readonly { readonly region: string; readonly error: string }[];
  readonly events: number;
  readonly services: UsageSummary["services"];
  readonly actions: UsageSummary["actions"];
  readonly sourceIps: UsageSummary["sourceIps"];
  readonly userAgents: UsageSummary["userAgents"];
  readonly regions: UsageSummary["regions"];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly caveats: readonly string[];
}

/** The summary as `--json` prints it. */
export function usageJson(summary: UsageSummary): UsageJson {
  return {
    accessKeyId: maskAccessKeyId(summary.accessKeyId),
    user: summary.user,
    from: summary.from.toISOString(),
    to: summary.to.toISOString(),
    days: windowDays(summary.from, summary.to),
    regionsChecked: summary.regionsChecked,
    regionErrors: summary.regionErrors,
    events: summary.events,
    services: summary.services,
    actions: summary.actions,
    sourceIps: summary.sourceIps,
    userAgents: summary.userAgents,
    regions: summary.regions,
    firstSeen: summary.firstSeen?.toISOString() ?? null,
    lastSeen: summary.lastSeen?.toISOString() ?? null,
    caveats: summary.caveats,
  };
}

/** Rows each table of the report shows; `--json` lists them all. */
export const USAGE_TABLE_ROWS = 10;

function table(title: string, rows: readonly (readonly [string, number])[]): string[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, USAGE_TABLE_ROWS);
  const width = Math.max(title.length, ...shown.map(([name]) => name.length));
  const numbers = shown.map(([, calls]) => calls.toLocaleString("en-US"));
  const numberWidth = Math.max("CALLS".length, ...numbers.map((text) => text.length));
  const lines = [`  ${title.padEnd(width)}  ${"CALLS".padStart(numberWidth)}`];
  shown.forEach(([name], index) => lines.push(`  ${name.padEnd(width)}  ${numbers[index].padStart(numberWidth)}`));
  if (rows.length > shown.length) lines.push(`  … and ${rows.length - shown.length} more (--json lists all)`);
  return [...lines, ""];
}

/** The report on a terminal: the headline, one table per dimension, then the caveats. */
export function renderUsageReport(summary: UsageSummary): string {
  const days = windowDays(summary.from, summary.to);
  const lines = [
    `Access key ${maskAccessKeyId(summary.accessKeyId)} · ${summary.user === null ? "user unknown" : `user ${summary.user}`}`,
    `${formatUtcMinute(summary.from)} to ${formatUtcMinute(summary.to)} (${days} ${days === 1 ? "day" : "days"}) · ` +
      `${summary.regionsChecked.length} ${summary.regionsChecked.length === 1 ? "region" : "regions"} checked`,
    summary.events === 0
      ? "No calls found."
      : `${summary.events.toLocaleString("en-US")} ${summary.events === 1 ? "call" : "calls"} · ` +
        `first ${summary.firstSeen ? formatUtcMinute(summary.firstSeen) : "unknown"} · ` +
        `last ${summary.lastSeen ? formatUtcMinute(summary.lastSeen) : "unknown"}`,
    "",
    ...table(
      "SERVICE",
      summary.services.map((entry) => [entry.service, entry.calls]),
    ),
    ...table(
      "ACTION",
      summary.actions.map((entry) => [entry.action, entry.calls]),
    ),
    ...table(
      "SOURCE IP",
      summary.sourceIps.map((entry) => [entry.ip, entry.calls]),
    ),
    ...table(
      "USER AGENT",
      summary.userAgents.map((entry) => [entry.agent, entry.calls]),
    ),
    ...table(
      "REGION",
      summary.regions.map((entry) => [entry.region, entry.calls]),
    ),
    ...summary.regionErrors.map((failure) => `Not read: ${failure.region}: ${failure.error}`),
    ...(summary.regionErrors.length > 0 ? [""] : []),
    "Caveats:",
    ...summary.caveats.map((caveat) => `- ${caveat}`),
  ];
  return `${lines.join("\n")}\n`;
}
