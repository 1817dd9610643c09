import {
  type AsffFinding,
  type FindingContext,
  type FindingKey,
  FINDING_GENERATOR_ID,
  buildFinding,
  findingId,
} from "../../../handler/security-hub/asff-finding";
import { validateFinding } from "../../../handler/security-hub/validate-finding";
import {
  archiveFinding,
  isOwnActiveFinding,
  ownActiveFindingsFilter,
  planFindings,
  resolutionOf,
  type StoredFinding,
} from "../../../handler/security-hub/plan-findings";

const DAY = 86_400_000;
const NOW = new Date("2025-06-01T12:00:00.000Z");
const LATER = new Date(NOW.getTime() + 600_000);
const ACCOUNT = "111122223333";
const CONTEXT: FindingContext = { accountId: ACCOUNT, region: "us-east-1", now: NOW };

function key(userName: string, status: FindingKey["status"], overrides: Partial<FindingKey> = {}): FindingKey {
  const createDate = new Date(NOW.getTime() - 100 * DAY);
  return {
    userName,
    accessKeyId: `AKIA${userName.toUpperCase().padEnd(16, "0")}`,
    state: "Active",
    status,
    createDate,
    ageMs: NOW.getTime() - createDate.getTime(),
    ...overrides,
  };
}

/** What Security Hub would return for a finding it stored: the finding plus its own fields. */
function stored(finding: AsffFinding, extra: Partial<StoredFinding> = {}): StoredFinding {
  return {
    ...finding,
    CompanyName: "Personal",
    ProductFields: {
      ...finding.ProductFields,
      "aws/securityhub/FindingId": "x",
      "aws/securityhub/ProductName": "Default",
    },
    Workflow: { Status: "NEW" },
    ...extra,
  } as StoredFinding;
}

describe("planFindings", () => {
  test("a first run imports one ACTIVE finding per flagged key (exposed included) and nothing else", () => {
    const keys = [
      key("alice", "critical"),
      key("bob", "warning"),
      key("carol", "unused"),
      key("dave", "exposed"),
      key("erin", "ok"),
      key("frank", "exempt"),
      key("grace", "inactive", { state: "Inactive" }),
    ];
    const plan = planFindings({ keys, existing: [], context: CONTEXT });
    expect(plan.active.map((f) => f.Severity.Label)).toEqual(["HIGH", "MEDIUM", "LOW", "CRITICAL"]);
    expect(plan.archived).toEqual([]);
    for (const finding of plan.active) expect(validateFinding(finding)).toEqual([]);
  });

  test("the next run updates in place: same Ids, CreatedAt kept, a later UpdatedAt, no second finding", () => {
    const keys = [key("alice", "critical"), key("bob", "warning")];
    const first = planFindings({ keys, existing: [], context: CONTEXT });
    const second = planFindings({
      keys: [key("alice", "critical"), key("bob", "critical")],
      existing: first.active.map((f) => stored(f)),
      context: { ...CONTEXT, now: LATER },
    });
    expect(second.active.map((f) => f.Id)).toEqual(first.active.map((f) => f.Id));
    expect(second.active.map((f) => f.CreatedAt)).toEqual([NOW.toISOString(), NOW.toISOString()]);
    expect(second.active.map((f) => f.UpdatedAt)).toEqual([LATER.toISOString(), LATER.toISOString()]);
    // A key that got worse is sent with its new severity, for the provider's own fields too.
    expect(second.active[1].FindingProviderFields.Severity.Label).toBe("HIGH");
    expect(second.archived).toEqual([]);
  });

  test("keys rotated away, back under their thresholds, exempted or deactivated are archived, with why", () => {
    const before = [
      key("alice", "critical"),
      key("bob", "warning"),
      key("carol", "unused"),
      key("dave", "critical"),
      key("erin", "critical"),
    ];
    const first = planFindings({ keys: before, existing: [], context: CONTEXT });
    const after = [
      // alice rotated: her old key is gone, her new key is young.
      key("alice", "ok", { accessKeyId: "AKIAALICENEWKEY00001" }),
      key("bob", "ok"),
      key("carol", "exempt"),
      key("dave", "inactive", { state: "Inactive" }),
      key("erin", "critical"),
    ];
    const plan = planFindings({
      keys: after,
      existing: first.active.map((f) => stored(f)),
      context: { ...CONTEXT, now: LATER },
    });
    expect(plan.active.map((f) => f.Id)).toEqual([findingId(ACCOUNT, key("erin", "critical").accessKeyId)]);
    const archived = new Map(plan.archived.map((f) => [f.Resources[0].Details?.AwsIamAccessKey?.PrincipalName, f]));
    expect([...archived.keys()].sort()).toEqual(["alice", "bob", "carol", "dave"]);
    for (const finding of plan.archived) {
      expect(finding.RecordState).toBe("ARCHIVED");
      expect(finding.UpdatedAt).toBe(LATER.toISOString());
      expect(finding.CreatedAt).toBe(NOW.toISOString());
      expect(validateFinding(finding)).toEqual([]);
      // Security Hub's own product fields are not the provider's to send.
      expect(Object.keys(finding.ProductFields).filter((name) => name.startsWith("aws/"))).toEqual([]);
      expect(finding).not.toHaveProperty("Workflow");
    }
    expect(archived.get("alice")?.ProductFields["key-age/Resolution"]).toMatch(/no longer found/);
    expect(archived.get("bob")?.ProductFields["key-age/Resolution"]).toMatch(/^ok/);
    expect(archived.get("carol")?.ProductFields["key-age/Resolution"]).toMatch(/^exempt/);
    expect(archived.get("dave")?.Resources[0].Details?.AwsIamAccessKey?.Status).toBe("Inactive");
  });

  test("ignores findings that are not this monitor's active ones in this account and region", () => {
    const mine = buildFinding(key("alice", "critical") as never, CONTEXT);
    const existing: StoredFinding[] = [
      stored(mine, { RecordState: "ARCHIVED" }),
      stored(mine, { Id: "prowler-finding", GeneratorId: "prowler-iam_rotate_access_key_90_days" }),
      // A member's finding, seen from a Security Hub administrator account.
      stored(buildFinding(key("zed", "critical") as never, { ...CONTEXT, accountId: "999988887777" })),
      stored(buildFinding(key("yan", "critical") as never, { ...CONTEXT, region: "eu-west-1" })),
    ];
    const plan = planFindings({ keys: [], existing, context: CONTEXT });
    expect(plan.archived).toEqual([]);
    expect(existing.filter((f) => isOwnActiveFinding(f, CONTEXT))).toEqual([]);
  });

  test("findings of users the scan did not check are left alone", () => {
    const first = planFindings({
      keys: [key("alice", "critical"), key("bob", "critical")],
      existing: [],
      context: CONTEXT,
    });
    const plan = planFindings({
      keys: [key("alice", "critical")],
      existing: first.active.map((f) => stored(f)),
      context: { ...CONTEXT, now: LATER },
      uncheckedUsers: ["bob"],
    });
    expect(plan.archived).toEqual([]);
    expect(plan.untouched).toBe(1);
    expect(plan.active).toHaveLength(1);
  });

  test("the stored UpdatedAt wins over a clock that went back: the update is still later", () => {
    const first = planFindings({ keys: [key("alice", "critical")], existing: [], context: { ...CONTEXT, now: LATER } });
    const plan = planFindings({
      keys: [key("alice", "critical")],
      existing: first.active.map((f) => stored(f)),
      context: CONTEXT,
    });
    expect(Date.parse(plan.active[0].UpdatedAt)).toBeGreaterThan(LATER.getTime());
  });
});

describe("archiveFinding", () => {
  test("a stored finding missing required fields becomes an invalid finding, which the importer will not send", () => {
    const archived = archiveFinding({ Id: "x", GeneratorId: FINDING_GENERATOR_ID }, NOW, resolutionOf(undefined));
    expect(archived.RecordState).toBe("ARCHIVED");
    expect(validateFinding(archived).length).toBeGreaterThan(0);
  });
});

test("the GetFindings filter asks for this monitor's active findings in this account's default product", () => {
  expect(ownActiveFindingsFilter(CONTEXT)).toEqual({
    ProductArn: [
      { Value: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`, Comparison: "EQUALS" },
    ],
    GeneratorId: [{ Value: FINDING_GENERATOR_ID, Comparison: "EQUALS" }],
    AwsAccountId: [{ Value: ACCOUNT, Comparison: "EQUALS" }],
    RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
  });
});
