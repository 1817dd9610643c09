import { classifyKeys } from "../../handler/scan/classify";
import { buildJsonReport } from "../../cli/json-report";
import { renderTable } from "../../cli/render-table";
import { exposedFindings, exposedKeysText, findingsAtOrAbove } from "../../cli/fail-on";
import { PLAIN_STYLE } from "../../cli/terminal-style";
import { MIXED_INVENTORY, THRESHOLDS, mixedReport } from "./support/scan-report-builders";
import { DAY, NOW, activeKey } from "../handler/support/inventory-builders";

// The mixed account plus a user AWS quarantined: her 2-day-old key is exposed.
const report = mixedReport({
  classification: classifyKeys(
    {
      users: [
        ...MIXED_INVENTORY.users,
        {
          userName: "gina",
          accessKeys: [activeKey(9, 2 * DAY, DAY)],
          attachedPolicyArns: ["arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"],
        },
      ],
    },
    THRESHOLDS,
    NOW,
  ),
});

describe("an exposed key in key-age scan", () => {
  it("is in the JSON with its status, why, and AWS's guidance", () => {
    const json = buildJsonReport(report);
    expect(json.counts.exposed).toBe(1);
    expect(json.keys[0]).toMatchObject({
      user: "gina",
      status: "exposed",
      ageDays: 2,
      exposure: { quarantinePolicies: ["AWSCompromisedKeyQuarantineV3"] },
      remediation: expect.stringContaining("review CloudTrail for everything this key did"),
    });
  });

  it("leads the table, with why and the link to AWS's guidance", () => {
    const table = renderTable(report, PLAIN_STYLE);
    expect(table.indexOf("Exposed (1)")).toBeLessThan(table.indexOf("Critical (1)"));
    expect(table).toMatch(/^ {2}gina +AKIA…0009 +2d +1d ago \(s3\) +exposed$/m);
    expect(table).toContain(
      "7 keys of 7 users: 1 exposed, 1 critical, 1 warning, 1 unused, 1 exempt, 1 ok, 1 inactive",
    );
    expect(table).toContain("Exposed: gina AKIA…0009: AWS quarantine policy AWSCompromisedKeyQuarantineV3 attached");
    expect(table).toContain(
      "What to do about an exposed key: https://repost.aws/knowledge-center/potential-account-compromise",
    );
  });

  it("fails the run with or without --fail-on, and meets every level", () => {
    const { findings } = report.classification;
    expect(exposedFindings(findings).map((finding) => finding.userName)).toEqual(["gina"]);
    expect(findingsAtOrAbove(findings, "exposed").map((finding) => finding.userName)).toEqual(["gina"]);
    expect(findingsAtOrAbove(findings, "critical").map((finding) => finding.userName)).toEqual(["gina", "alice"]);
    expect(exposedKeysText(exposedFindings(findings))).toBe(
      "1 key is exposed: AWS reports it leaked; rotate now (see the remediation above)",
    );
    expect(exposedKeysText([])).toBeUndefined();
  });
});
