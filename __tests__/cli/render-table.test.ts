import { renderTable } from "../../cli/render-table";
import { ANSI_STYLE, PLAIN_STYLE } from "../../cli/terminal-style";
import { classifyKeys } from "../../handler/scan/classify";
import { NOW, keyId } from "../handler/support/inventory-builders";
import { THRESHOLDS, mixedReport } from "./support/scan-report-builders";

const ESC = "\x1b[";

describe("renderTable", () => {
  it("groups the keys by status, most severe first, in aligned columns", () => {
    const text = renderTable(mixedReport(), PLAIN_STYLE);
    expect(text).toBe(
      [
        "IAM access keys · prod · account 123456789012",
        "Evaluated at 2025-06-01T12:00:00.000Z",
        "Warning at 80d, critical at 90d, unused after 45d",
        "",
        "  USER   ACCESS KEY  AGE   LAST USED     STATUS",
        "",
        "Critical (1)",
        "  alice  AKIA…0001   95d   2d ago (s3)   critical",
        "",
        "Warning (1)",
        "  bob    AKIA…0002   85d   never         warning",
        "",
        "Unused (1)",
        "  carol  AKIA…0003   50d   46d ago (s3)  unused",
        "",
        "Exempt (1)",
        "  erin   AKIA…0006   100d  never         exempt until 2025-12-31",
        "",
        "OK (1)",
        "  dave   AKIA…0005   10d   0m ago (s3)   ok",
        "",
        "Inactive (1)",
        "  carol  AKIA…0004   200d  -             inactive",
        "",
        "6 keys of 6 users: 1 critical, 1 warning, 1 unused, 1 exempt, 1 ok, 1 inactive",
        "",
        "Critical: Rotate now without downtime: create a second key, move the consumers to it, deactivate the old key, then delete it.",
        "Warning: Plan the rotation: create a second key, move the consumers to it, deactivate the old key, then delete it.",
        "Unused: Deactivate it, wait a while to see that nothing breaks, then delete it (or rotate it if it is still needed).",
        "Exempt: Exempt for now: rotate before the exemption ends (create a second key, move the consumers to it, deactivate the old key, then delete it).",
        "Inactive: Delete it once nothing needs it (reactivate it only to roll back a rotation).",
        "How to rotate access keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html",
        "",
      ].join("\n"),
    );
    expect(text).not.toContain(keyId(1));
  });

  it("has no escape codes in plain style and colours statuses in ANSI style", () => {
    expect(renderTable(mixedReport(), PLAIN_STYLE)).not.toContain(ESC);
    const coloured = renderTable(mixedReport(), ANSI_STYLE);
    expect(coloured).toContain(`${ESC}31mcritical${ESC}39m`);
    expect(coloured).toContain(`${ESC}33mwarning${ESC}39m`);
    // Stripping the codes gives the plain table back: colour never shifts the columns.
    expect(coloured.replace(/\x1b\[\d+m/g, "")).toBe(renderTable(mixedReport(), PLAIN_STYLE));
  });

  it("labels a forecast and lists missing, skipped and empty results", () => {
    const empty = classifyKeys({ users: [{ userName: "frank", accessKeys: [] }] }, THRESHOLDS, NOW);
    const text = renderTable(
      mixedReport({ classification: empty, forecast: true, missingWatchedUsers: ["ghost"], skippedUsers: ["gone"] }),
      PLAIN_STYLE,
    );
    expect(text).toContain("Forecast as of 2025-06-01T12:00:00.000Z");
    expect(text).toContain("No access keys found.");
    expect(text).toContain("0 keys of 1 user: 0 critical, 0 warning, 0 unused");
    expect(text).toContain("Watched users not found: ghost");
    expect(text).toContain("Skipped (deleted during the scan): gone");
  });

  it("notes keys a credential report counted without listing", () => {
    const classification = classifyKeys(
      {
        users: [{ userName: "dave", accessKeys: [] }],
        reportOnly: { users: 2, activeKeys: 3, inactiveKeys: 0, generatedAt: new Date("2025-06-01T08:00:00Z") },
      },
      THRESHOLDS,
      NOW,
    );
    const text = renderTable(mixedReport({ classification }), PLAIN_STYLE);
    expect(text).toContain("3 keys of 3 users: 0 critical, 0 warning, 0 unused, 3 ok");
    expect(text).toContain("No keys listed: the credential report cleared them all.");
    expect(text).toContain(
      "3 of them cleared by the credential report and not listed (it has no key ids, counted as of 2025-06-01 08:00 UTC)",
    );
  });
});
