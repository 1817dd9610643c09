import { IAMClient } from "@aws-sdk/client-iam";
import { loadConfig } from "../../../handler/runtime/config/config";
import { scannerFor } from "../../../handler/scan/select-scanner";
import { credentialReportCsv, mockIamAccount, type FakeUser } from "../support/fake-iam";

const DAY = 86_400_000;

describe("scannerFor", () => {
  const now = new Date();
  const users: FakeUser[] = Array.from({ length: 30 }, (_, i) => ({
    name: `user-${i}`,
    tags: {},
    keys: [
      {
        id: `AKIAUSER${String(i).padStart(12, "0")}`,
        created: new Date(now.getTime() - (i === 3 ? 100 : 5) * DAY),
        active: true,
      },
    ],
  }));
  let iam: ReturnType<typeof mockIamAccount>;
  beforeEach(() => (iam = mockIamAccount({ users, report: { csv: credentialReportCsv(users), generatedAt: now } })));
  afterEach(() => iam.restore());

  it("auto with the default thresholds reads the report and verifies only candidates", async () => {
    const scanner = scannerFor(loadConfig({ DRY_RUN: "true" }), { iam: new IAMClient({}) });
    expect(scanner.strategy).toBe("credential-report");
    const result = await scanner();
    expect(result.stats).toMatchObject({ strategy: "credential-report", candidateUsers: 1 });
    expect(result.inventory.users.map((u) => u.userName)).toEqual(["user-3"]);
    expect(result.inventory.reportOnly).toEqual({ users: 29, activeKeys: 29, inactiveKeys: 0, generatedAt: now });
    // Tags lower thresholds, so every user's tags come in one page-walk, not one call per user.
    expect(iam.calls.get("GetAccountAuthorizationDetails")).toBe(Math.ceil(30 / 7));
    expect(iam.calls.get("ListUsers")).toBeUndefined();
  });

  it("auto with minute-level thresholds walks every user, SCAN_CONCURRENCY at a time", async () => {
    const scanner = scannerFor(
      loadConfig({ DRY_RUN: "true", WARNING_AGE: "12m", CRITICAL_AGE: "25m", SCAN_CONCURRENCY: "3" }),
      {
        iam: new IAMClient({}),
      },
    );
    expect(scanner.strategy).toBe("api");
    const result = await scanner();
    expect(result.inventory.users).toHaveLength(30);
    expect(iam.calls.get("GenerateCredentialReport")).toBeUndefined();
  });

  it("an explicit SCAN_STRATEGY=api wins over auto", () => {
    expect(scannerFor(loadConfig({ DRY_RUN: "true", SCAN_STRATEGY: "api" }), { iam: new IAMClient({}) }).strategy).toBe(
      "api",
    );
  });

  it("picks candidates for the CLI's --as-of date, not only for now", async () => {
    const inAMonth = new Date(now.getTime() + 50 * DAY); // the 5-day-old keys are 55 days old then: unused
    const result = await scannerFor(
      loadConfig({ DRY_RUN: "true" }),
      { iam: new IAMClient({}) },
      { classifyAt: inAMonth },
    )();
    expect(result.stats.candidateUsers).toBe(30);
  });
});
