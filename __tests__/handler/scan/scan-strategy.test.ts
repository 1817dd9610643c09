import type { Thresholds } from "../../../handler/scan/classify";
import { CREDENTIAL_REPORT_MAX_STALENESS_MS, chooseScanStrategy } from "../../../handler/scan/scan-strategy";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const DEFAULTS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

describe("chooseScanStrategy", () => {
  it("auto uses the credential report for the default day-level thresholds", () => {
    expect(chooseScanStrategy("auto", DEFAULTS)).toBe("credential-report");
  });

  it("auto uses the API walk for the original's minute-level thresholds", () => {
    expect(
      chooseScanStrategy("auto", { warningAgeMs: 12 * MINUTE, criticalAgeMs: 25 * MINUTE, unusedAgeMs: 45 * DAY }),
    ).toBe("api");
  });

  it.each([
    ["warningAgeMs", CREDENTIAL_REPORT_MAX_STALENESS_MS, "api"],
    ["warningAgeMs", CREDENTIAL_REPORT_MAX_STALENESS_MS + 1, "credential-report"],
    ["criticalAgeMs", CREDENTIAL_REPORT_MAX_STALENESS_MS, "api"],
    ["unusedAgeMs", CREDENTIAL_REPORT_MAX_STALENESS_MS, "api"],
    ["unusedAgeMs", CREDENTIAL_REPORT_MAX_STALENESS_MS + MINUTE, "credential-report"],
    ["unusedAgeMs", 0, "api"],
  ] as const)(
    "auto with %s = %d ms chooses %s (the report can be 4h old; reaching a limit counts)",
    (name, ms, expected) => {
      const thresholds = { ...DEFAULTS, [name]: ms };
      if (name === "criticalAgeMs") thresholds.warningAgeMs = ms;
      expect(chooseScanStrategy("auto", thresholds)).toBe(expected);
    },
  );

  it("an explicit strategy is kept whatever the thresholds", () => {
    expect(chooseScanStrategy("api", DEFAULTS)).toBe("api");
    expect(chooseScanStrategy("credential-report", { ...DEFAULTS, warningAgeMs: MINUTE })).toBe("credential-report");
  });
});
