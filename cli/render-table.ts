import { SEVERITY_ORDER, type KeyFinding, type KeyStatus } from "../handler/scan/classify";
import { formatDuration } from "../handler/runtime/duration";
import { maskAccessKeyId } from "../handler/runtime/mask";
import { STATUS_LABEL } from "../handler/slack/render-digest";
import { REMEDIATION, ROTATE_ACCESS_KEYS_DOCS_URL } from "../handler/slack/remediation";
import { EXPOSED_KEY_DOCS_URL, exposureText } from "../handler/slack/render-exposure";
import { countsByStatus, unlistedKeyCount, type ScanReport } from "./scan-report";
import type { TerminalStyle } from "./terminal-style";

/** Statuses always shown in the summary line, even at zero: the ones that raise alerts. */
const ALWAYS_COUNTED: readonly KeyStatus[] = ["critical", "warning", "unused"];

const COLUMNS = ["USER", "ACCESS KEY", "AGE", "LAST USED", "STATUS"] as const;
// With DEACTIVATE_AGE set, a column before STATUS (kept last, where its colour goes).
const DEACTIVATION_COLUMN = "DEACTIVATION";

function deactivationCell(report: ScanReport, finding: KeyFinding): string {
  const schedule = report.deactivations?.get(finding.accessKeyId);
  if (!schedule) return "-";
  if (schedule.kind === "never") return "never";
  const date = schedule.date.toISOString().slice(0, 10);
  return report.forecast && schedule.date.getTime() <= report.evaluatedAt.getTime() ? `${date} (by then)` : date;
}

function statusColour(status: KeyStatus, style: TerminalStyle): (text: string) => string {
  switch (status) {
    case "exposed":
    case "critical":
      return (text) => style.bold(style.red(text));
    case "warning":
      return style.yellow;
    case "unused":
      return style.magenta;
    case "ok":
      return style.green;
    case "exempt":
      return style.cyan;
    default:
      return style.dim;
  }
}

function lastUsedCell(finding: KeyFinding, evaluatedAt: Date): string {
  if (!finding.lastUsedDate) return finding.state === "Active" ? "never" : "-";
  const service = finding.lastUsedService ? ` (${finding.lastUsedService})` : "";
  return `${formatDuration(evaluatedAt.getTime() - finding.lastUsedDate.getTime())} ago${service}`;
}

/**
 * Renders the scan as a text table grouped by status, most severe group first (pure). Columns are
 * padded before colouring, so alignment holds with or without escape codes; with {@link PLAIN_STYLE}
 * the output has none.
 */
export function renderTable(report: ScanReport, style: TerminalStyle): string {
  const { classification, evaluatedAt } = report;
  const out: string[] = [];
  const account = report.accountName ? `${report.accountId} (${report.accountName})` : report.accountId;
  const where = report.environmentName ? `${report.environmentName} · account ${account}` : `account ${account}`;
  out.push(style.bold(`IAM access keys · ${where}`));
  out.push(
    report.forecast
      ? `${style.bold("Forecast")} as of ${evaluatedAt.toISOString()} (ages and idle times projected; last use as of now)`
      : `Evaluated at ${evaluatedAt.toISOString()}`,
  );
  const labels = report.thresholdLabels;
  const via = report.strategy === "credential-report" ? " · scanned through the credential report" : "";
  out.push(
    style.dim(
      `Warning at ${labels.warningAgeMs}, critical at ${labels.criticalAgeMs}, unused after ${labels.unusedAgeMs}${via}`,
    ),
  );
  out.push("");

  const enforced = report.deactivations !== undefined;
  const columns: readonly string[] = enforced ? [...COLUMNS.slice(0, 4), DEACTIVATION_COLUMN, COLUMNS[4]] : COLUMNS;
  const rows = classification.findings.map((finding) => ({
    status: finding.status,
    cells: [
      finding.userName,
      maskAccessKeyId(finding.accessKeyId),
      finding.ageMs === undefined ? "unknown" : formatDuration(finding.ageMs),
      lastUsedCell(finding, evaluatedAt),
      ...(enforced ? [deactivationCell(report, finding)] : []),
      finding.exemptUntil ? `${finding.status} until ${finding.exemptUntil}` : finding.status,
    ],
  }));

  if (rows.length === 0) {
    out.push(
      unlistedKeyCount(report) > 0
        ? "No keys listed: the credential report cleared them all."
        : "No access keys found.",
    );
  } else {
    const widths = columns.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => row.cells[column].length)),
    );
    const line = (cells: readonly string[]): string =>
      `  ${cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ")}`;
    out.push(style.bold(line(columns)));

    for (const status of SEVERITY_ORDER) {
      const members = rows.filter((row) => row.status === status);
      if (members.length === 0) continue;
      const colour = statusColour(status, style);
      out.push("");
      out.push(colour(`${STATUS_LABEL[status]} (${members.length})`));
      for (const row of members) {
        const text = line(row.cells);
        const statusCell = row.cells[row.cells.length - 1];
        // Colour only the status cell (inactive rows are dimmed whole): the rest stays readable.
        out.push(
          status === "inactive"
            ? style.dim(text)
            : `${text.slice(0, text.length - statusCell.length)}${colour(statusCell)}`,
        );
      }
    }
  }

  out.push("");
  const counts = countsByStatus(report);
  const summary = SEVERITY_ORDER.filter((status) => ALWAYS_COUNTED.includes(status) || counts[status] > 0)
    .map((status) => {
      const text = `${counts[status]} ${status}`;
      return counts[status] > 0 ? statusColour(status, style)(text) : text;
    })
    .join(", ");
  const users = classification.usersScanned;
  const keys = Object.values(counts).reduce((sum, count) => sum + count, 0);
  out.push(`${keys} ${keys === 1 ? "key" : "keys"} of ${users} ${users === 1 ? "user" : "users"}: ${summary}`);
  const unlisted = unlistedKeyCount(report);
  if (unlisted > 0) {
    const generatedAt = classification.fromReport?.generatedAt;
    const asOf = generatedAt ? `, counted as of ${generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
    out.push(
      style.dim(`${unlisted} of them cleared by the credential report and not listed (it has no key ids${asOf})`),
    );
  }
  const tagProblems = new Set(
    classification.findings.flatMap((finding) => {
      const schedule = report.deactivations?.get(finding.accessKeyId);
      const deactivationProblem = schedule?.kind === "date" && schedule.problem ? [schedule.problem] : [];
      return [...(finding.tagProblems ?? []), ...deactivationProblem].map(
        (problem) => `${finding.userName}: ${problem}`,
      );
    }),
  );
  // Every user's, whatever the status of their keys (a typo that changes nothing must still show).
  for (const { userName, problems } of classification.tagProblems) {
    for (const problem of problems) tagProblems.add(`${userName}: ${problem}`);
  }
  for (const problem of tagProblems) out.push(style.yellow(`Tag problem of ${problem}`));
  for (const finding of classification.findings.filter((f) => f.status === "exposed")) {
    const line = `Exposed: ${finding.userName} ${maskAccessKeyId(finding.accessKeyId)}: ${exposureText(finding.exposure)}`;
    out.push(style.bold(style.red(line.replaceAll("\u2060", ""))));
  }
  const listed = new Set(classification.findings.map((finding) => finding.status));
  const guidance = SEVERITY_ORDER.filter((status) => listed.has(status) && REMEDIATION[status] !== undefined);
  if (guidance.length > 0) {
    out.push("");
    for (const status of guidance)
      out.push(`${statusColour(status, style)(STATUS_LABEL[status])}: ${REMEDIATION[status]}`);
    out.push(style.dim(`How to rotate access keys: ${ROTATE_ACCESS_KEYS_DOCS_URL}`));
    if (listed.has("exposed")) out.push(style.dim(`What to do about an exposed key: ${EXPOSED_KEY_DOCS_URL}`));
  }
  if (enforced) {
    out.push(
      style.dim(
        report.forecast
          ? "Deactivation dates as if the notice went out now; (by then): deactivated by the forecast moment. The CLI never deactivates."
          : "Deactivation dates as if the notice went out now (the function names the date in Slack first). The CLI never deactivates.",
      ),
    );
  }
  if (report.missingWatchedUsers.length > 0) {
    out.push(style.yellow(`Watched users not found: ${report.missingWatchedUsers.join(", ")}`));
  }
  if (report.skippedUsers.length > 0) {
    out.push(style.dim(`Skipped (deleted during the scan): ${report.skippedUsers.join(", ")}`));
  }
  return `${out.join("\n")}\n`;
}
