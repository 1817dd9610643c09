import { buildJsonReport } from "../../cli/json-report";
import { renderTable } from "../../cli/render-table";
import { PLAIN_STYLE } from "../../cli/terminal-style";
import { classifyKeys } from "../../handler/scan/classify";
import type { EnforcementConfig } from "../../handler/runtime/config/config";
import { deactivationSchedule } from "../../handler/enforcement/deactivation-schedule";
import type { AccessKeyInventory } from "../../handler/scan/inventory";
import { DAY, NOW, activeKey } from "../handler/support/inventory-builders";
import { THRESHOLDS, mixedReport } from "./support/scan-report-builders";

const ENFORCEMENT: EnforcementConfig = {
  mode: "off",
  deactivateAge: { ms: 120 * DAY, label: "120d" },
  notice: { ms: 7 * DAY, label: "7d" },
  maxPerDay: 5,
  exposedKeys: "alert",
};

const INVENTORY: AccessKeyInventory = {
  users: [
    { userName: "alice", accessKeys: [activeKey(1, 150 * DAY), activeKey(2, 100 * DAY)] },
    { userName: "robot", accessKeys: [activeKey(3, 300 * DAY)], tags: { "key-age:deactivate": "never" } },
    { userName: "early", accessKeys: [activeKey(4, 10 * DAY)], tags: { "key-age:deactivate-age": "100d" } },
  ],
};

/** The CLI's report at `evaluatedAt`, with dates scheduled from NOW (as if a notice went out now). */
function report(evaluatedAt: Date) {
  const classification = classifyKeys(INVENTORY, THRESHOLDS, evaluatedAt);
  const deactivations = new Map(
    classification.findings.flatMap((finding) => {
      const schedule = deactivationSchedule(finding, ENFORCEMENT, undefined, NOW);
      return schedule ? [[finding.accessKeyId, schedule] as const] : [];
    }),
  );
  return mixedReport({ classification, evaluatedAt, forecast: evaluatedAt !== NOW, deactivations });
}

test("the table shows each key's deactivation date, the opt-out, and which dates an --as-of moment passes", () => {
  const now = renderTable(report(NOW), PLAIN_STYLE);
  expect(now).toMatch(/USER +ACCESS KEY +AGE +LAST USED +DEACTIVATION +STATUS/);
  expect(now).toMatch(/alice +AKIA…0001 +150d +never +2025-06-08 +critical/);
  expect(now).toMatch(/alice +AKIA…0002 +100d +never +2025-06-21 +critical/);
  expect(now).toMatch(/robot +AKIA…0003 +300d +never +never +critical/);
  expect(now).toContain("The CLI never deactivates.");
  expect(now).toContain(
    'Tag problem of early: tag key-age:deactivate-age="100d" is ignored: it may only be later than DEACTIVATE_AGE=120d',
  );

  const forecast = renderTable(report(new Date(NOW.getTime() + 10 * DAY)), PLAIN_STYLE);
  expect(forecast).toMatch(/AKIA…0001 .* 2025-06-08 \(by then\)/);
  expect(forecast).toMatch(/AKIA…0002 .* 2025-06-21 +critical/);
});

test("--json carries the deactivation of each key and whether the forecast moment passes it", () => {
  const json = buildJsonReport(report(new Date(NOW.getTime() + 10 * DAY)));
  expect(json.keys.map((key) => [key.accessKeyId, key.deactivation])).toEqual([
    ["AKIA…0003", { never: "tag key-age:deactivate=never" }],
    ["AKIA…0001", { date: "2025-06-08T12:00:00.000Z", setting: "DEACTIVATE_AGE=120d", byEvaluatedAt: true }],
    ["AKIA…0002", { date: "2025-06-21T12:00:00.000Z", setting: "DEACTIVATE_AGE=120d", byEvaluatedAt: false }],
    ["AKIA…0004", { date: "2025-09-19T12:00:00.000Z", setting: "DEACTIVATE_AGE=120d", byEvaluatedAt: false }],
  ]);
  // Without DEACTIVATE_AGE there is no such field.
  expect(buildJsonReport(mixedReport()).keys.every((key) => key.deactivation === undefined)).toBe(true);
});
