import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { ROOT_ACCESS_KEY_ID, ROOT_USER_NAME } from "../../../handler/scan/inventory";
import { ROTATE_ACCESS_KEYS_DOCS_URL } from "../../../handler/slack/remediation";
import {
  ASFF_LIMITS,
  ASFF_SCHEMA_VERSION,
  BEST_PRACTICES_TYPE,
  EXPOSED_KEY_TYPE,
  FINDING_GENERATOR_ID,
  type FindingContext,
  type SecurityHubKey,
  buildFinding,
  findingId,
  findingKeysOf,
  isSecurityHubKey,
  laterThan,
  ownerText,
  partitionOf,
  productArn,
  truncateText,
} from "../../../handler/security-hub/asff-finding";
import { validateFinding } from "../../../handler/security-hub/validate-finding";

const DAY = 86_400_000;
const NOW = new Date("2025-06-01T12:00:00.000Z");
const ACCOUNT = "111122223333";
const CONTEXT: FindingContext = { accountId: ACCOUNT, region: "eu-west-1", now: NOW };
const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

function key(overrides: Partial<SecurityHubKey> = {}): SecurityHubKey {
  const createDate = new Date(NOW.getTime() - 100 * DAY);
  return {
    userName: "alice",
    accessKeyId: "AKIAALICE00000000001",
    state: "Active",
    status: "critical",
    createDate,
    ageMs: NOW.getTime() - createDate.getTime(),
    lastUsedDate: new Date(NOW.getTime() - 2 * DAY),
    lastUsedService: "s3",
    ...overrides,
  };
}

describe("buildFinding", () => {
  test("sets every required ASFF field for a critical key, and passes the validator", () => {
    const finding = buildFinding(key({ owners: ["<@U0123ABCD>"], ownerEmails: ["alice@example.com"] }), CONTEXT);
    expect(validateFinding(finding)).toEqual([]);
    expect(finding).toMatchObject({
      SchemaVersion: ASFF_SCHEMA_VERSION,
      Id: `${FINDING_GENERATOR_ID}/${ACCOUNT}/AKIAALICE00000000001`,
      ProductArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: FINDING_GENERATOR_ID,
      AwsAccountId: ACCOUNT,
      Region: "eu-west-1",
      Types: [BEST_PRACTICES_TYPE],
      CreatedAt: NOW.toISOString(),
      UpdatedAt: NOW.toISOString(),
      Severity: { Label: "HIGH", Original: "critical" },
      FindingProviderFields: { Severity: { Label: "HIGH" }, Types: [BEST_PRACTICES_TYPE] },
      Remediation: { Recommendation: { Url: ROTATE_ACCESS_KEYS_DOCS_URL } },
      RecordState: "ACTIVE",
      Resources: [
        {
          Type: "AwsIamAccessKey",
          Id: "AKIAALICE00000000001",
          Partition: "aws",
          Details: {
            AwsIamAccessKey: {
              AccessKeyId: "AKIAALICE00000000001",
              PrincipalName: "alice",
              PrincipalType: "IAMUser",
              Status: "Active",
              CreatedAt: new Date(NOW.getTime() - 100 * DAY).toISOString(),
              AccountId: ACCOUNT,
            },
          },
        },
      ],
    });
    expect(finding.ProductFields).toMatchObject({
      "key-age/Status": "critical",
      "key-age/Owner": "U0123ABCD alice@example.com",
      "key-age/DeactivationDate": "none",
      "key-age/AgeDays": "100",
      "key-age/LastUsedService": "s3",
    });
    expect(finding.Title).toBe("IAM access key AKIA…0001 of user alice is 100 days old: rotate it now");
    expect(finding.Description).toContain("Owner: U0123ABCD alice@example.com.");
  });

  test("maps each status to its severity: exposed CRITICAL, critical HIGH, warning MEDIUM, unused LOW", () => {
    const labels = (["exposed", "critical", "warning", "unused"] as const).map(
      (status) => buildFinding(key({ status }), CONTEXT).Severity.Label,
    );
    expect(labels).toEqual(["CRITICAL", "HIGH", "MEDIUM", "LOW"]);
  });

  test("an exposed key is also typed as a data exposure, and names how the exposure became known", () => {
    const finding = buildFinding(
      key({ status: "exposed", exposure: "AWSCompromisedKeyQuarantineV3 attached" }),
      CONTEXT,
    );
    expect(finding.Types).toEqual([BEST_PRACTICES_TYPE, EXPOSED_KEY_TYPE]);
    expect(finding.ProductFields["key-age/Exposure"]).toBe("AWSCompromisedKeyQuarantineV3 attached");
    expect(finding.Remediation.Recommendation.Text).toMatch(/^Deactivate the key now/);
    expect(validateFinding(finding)).toEqual([]);
  });

  test("the Id is stable per account and key: the same key in another run or another account", () => {
    const first = buildFinding(key(), CONTEXT);
    const later = buildFinding(key({ status: "critical", ageMs: 120 * DAY }), {
      ...CONTEXT,
      now: new Date(NOW.getTime() + DAY),
    });
    const elsewhere = buildFinding(key(), { ...CONTEXT, accountId: "444455556666" });
    expect(later.Id).toBe(first.Id);
    expect(elsewhere.Id).not.toBe(first.Id);
    expect(findingId(ACCOUNT, "AKIAALICE00000000001")).toBe(first.Id);
  });

  test("an update keeps CreatedAt and moves UpdatedAt past the stored one", () => {
    const finding = buildFinding(key(), CONTEXT, {
      createdAt: "2025-05-01T00:00:00.000Z",
      updatedAfter: NOW.toISOString(),
    });
    expect(finding.CreatedAt).toBe("2025-05-01T00:00:00.000Z");
    expect(finding.FirstObservedAt).toBe("2025-05-01T00:00:00.000Z");
    expect(Date.parse(finding.UpdatedAt)).toBeGreaterThan(NOW.getTime());
    expect(validateFinding(finding)).toEqual([]);
  });

  test("truncates a long description to 1,024 characters (long user name, tags and exposure text)", () => {
    const finding = buildFinding(
      key({
        userName: "u".repeat(64),
        ownerEmails: Array.from({ length: 30 }, (_, i) => `owner-${i}-${"x".repeat(20)}@example.com`),
        exposure: "e".repeat(900),
        deactivation: { kind: "never", reason: "r".repeat(300) },
      }),
      { ...CONTEXT, environment: "production-with-a-long-name" },
    );
    expect(finding.Description.length).toBe(ASFF_LIMITS.descriptionChars);
    expect(finding.Description.endsWith("…")).toBe(true);
    expect(finding.Title.length).toBeLessThanOrEqual(ASFF_LIMITS.titleChars);
    expect(validateFinding(finding)).toEqual([]);
  });

  test("writes the deactivation date, or why the key is never deactivated", () => {
    const date = new Date("2025-06-08T12:00:00.000Z");
    expect(buildFinding(key({ deactivation: { kind: "date", date } }), CONTEXT).ProductFields).toMatchObject({
      "key-age/DeactivationDate": "2025-06-08T12:00:00.000Z",
    });
    expect(
      buildFinding(key({ deactivation: { kind: "never", reason: "tag key-age:deactivate=never" } }), CONTEXT)
        .ProductFields["key-age/DeactivationDate"],
    ).toBe("never (tag key-age:deactivate=never)");
  });

  test("an unused key says how long it has been idle, or that it was never used", () => {
    const idle = buildFinding(key({ status: "unused", lastUsedDate: new Date(NOW.getTime() - 50 * DAY) }), CONTEXT);
    expect(idle.Title).toBe("IAM access key AKIA…0001 of user alice has not been used for 50 days");
    expect(idle.ProductFields["key-age/LastUsed"]).toBe(new Date(NOW.getTime() - 50 * DAY).toISOString());
    const never = buildFinding(key({ status: "unused", lastUsedDate: undefined, lastUsedService: undefined }), CONTEXT);
    expect(never.Title).toBe("IAM access key AKIA…0001 of user alice has never been used (it is 100 days old)");
    expect(never.ProductFields["key-age/LastUsed"]).toBe("never");
  });

  test("the root user's key: the root principal, its ARN as the resource, valid without a creation date", () => {
    const finding = buildFinding(
      { userName: ROOT_USER_NAME, accessKeyId: ROOT_ACCESS_KEY_ID, state: "Active", status: "critical", root: true },
      CONTEXT,
    );
    expect(finding.Resources[0]).toMatchObject({
      Id: `arn:aws:iam::${ACCOUNT}:root`,
      Details: { AwsIamAccessKey: { PrincipalType: "Root", PrincipalName: "root", AccessKeyId: ROOT_ACCESS_KEY_ID } },
    });
    expect(finding.Resources[0].Details?.AwsIamAccessKey?.CreatedAt).toBeUndefined();
    expect(finding.Title).toBe("The root user has an access key: delete it");
    expect(finding.Description).toMatch(/unknown creation date and was last used at a time not known/);
    expect(finding.ProductFields["key-age/LastUsed"]).toBe("unknown");
    expect(validateFinding(finding)).toEqual([]);
  });

  test("the partition follows the region", () => {
    const china = buildFinding(key(), { ...CONTEXT, region: "cn-north-1" });
    expect(china.ProductArn).toBe(`arn:aws-cn:securityhub:cn-north-1:${ACCOUNT}:product/${ACCOUNT}/default`);
    expect(china.Resources[0].Partition).toBe("aws-cn");
    expect(validateFinding(china)).toEqual([]);
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
    expect(productArn({ accountId: ACCOUNT, region: "us-east-1" })).toBe(
      `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`,
    );
  });
});

describe("validateFinding", () => {
  const valid = () => buildFinding(key(), CONTEXT) as unknown as Record<string, unknown>;

  test.each([
    ["SchemaVersion", (f: Record<string, unknown>) => (f.SchemaVersion = "2020-01-01"), /SchemaVersion/],
    ["Id", (f: Record<string, unknown>) => delete f.Id, /Id is missing/],
    ["GeneratorId", (f: Record<string, unknown>) => (f.GeneratorId = " "), /GeneratorId is missing/],
    ["AwsAccountId", (f: Record<string, unknown>) => (f.AwsAccountId = "1234"), /AwsAccountId/],
    [
      "ProductArn of another account",
      (f: Record<string, unknown>) =>
        (f.ProductArn = "arn:aws:securityhub:eu-west-1:999999999999:product/999999999999/default"),
      /another account/,
    ],
    [
      "ProductArn of a partner product",
      (f: Record<string, unknown>) => (f.ProductArn = "arn:aws:securityhub:eu-west-1::product/prowler/prowler"),
      /default product/,
    ],
    ["Types", (f: Record<string, unknown>) => (f.Types = []), /Types is missing/],
    ["Types namespace", (f: Record<string, unknown>) => (f.Types = ["Whatever/Else"]), /namespace/],
    ["CreatedAt", (f: Record<string, unknown>) => (f.CreatedAt = "yesterday"), /CreatedAt is not/],
    [
      "UpdatedAt before CreatedAt",
      (f: Record<string, unknown>) => (f.UpdatedAt = "2020-01-01T00:00:00Z"),
      /earlier than CreatedAt/,
    ],
    ["Severity", (f: Record<string, unknown>) => (f.Severity = { Label: "SEVERE" }), /Severity.Label/],
    ["Title", (f: Record<string, unknown>) => (f.Title = "t".repeat(257)), /Title has 257 characters/],
    [
      "Description",
      (f: Record<string, unknown>) => (f.Description = "d".repeat(1025)),
      /Description has 1025 characters/,
    ],
    ["Remediation", (f: Record<string, unknown>) => delete f.Remediation, /Remediation/],
    ["Resources", (f: Record<string, unknown>) => (f.Resources = []), /Resources is missing/],
    [
      "Resource type",
      (f: Record<string, unknown>) => ((f.Resources as { Type: string }[])[0].Type = "AwsIamUser"),
      /not AwsIamAccessKey/,
    ],
    [
      "Details.CreatedAt",
      (f: Record<string, unknown>) =>
        delete (f.Resources as { Details: { AwsIamAccessKey: Record<string, unknown> } }[])[0].Details.AwsIamAccessKey
          .CreatedAt,
      /CreatedAt is missing/,
    ],
    ["RecordState", (f: Record<string, unknown>) => (f.RecordState = "DELETED"), /RecordState/],
    [
      "ProductFields count",
      (f: Record<string, unknown>) =>
        (f.ProductFields = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]))),
      /51 entries/,
    ],
  ])("flags %s", (_name, breakIt, problem) => {
    const finding = valid();
    breakIt(finding);
    expect(validateFinding(finding).join("\n")).toMatch(problem);
  });

  test("flags a finding over 240 KB", () => {
    const finding = valid();
    finding.ProductFields = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v".repeat(2048)]));
    // Each part within its own limit, the whole over 240 KB.
    finding.Resources = Array.from({ length: 32 }, () => ({
      ...(finding.Resources as object[])[0],
      Id: "x".repeat(8000),
    }));
    expect(validateFinding(finding).join("\n")).toMatch(/more than 240 KB/);
  });

  test("rejects what is not an object", () => {
    expect(validateFinding(undefined)).toEqual(["the finding is not an object"]);
  });
});

describe("helpers", () => {
  test("truncateText keeps short text and cuts long text to the limit with an ellipsis", () => {
    expect(truncateText("abc", 3)).toBe("abc");
    expect(truncateText("abcdef", 4)).toBe("abc…");
    // Never half a surrogate pair.
    expect(truncateText("ab😀cd", 4)).toBe("ab…");
  });

  test("laterThan moves a time 1 ms past a stored time that is not earlier", () => {
    expect(laterThan("2025-06-01T12:00:00.000Z", undefined)).toBe("2025-06-01T12:00:00.000Z");
    expect(laterThan("2025-06-01T12:00:00.000Z", "2025-06-01T11:00:00.000Z")).toBe("2025-06-01T12:00:00.000Z");
    expect(laterThan("2025-06-01T12:00:00.000Z", "2025-06-01T12:00:00.000Z")).toBe("2025-06-01T12:00:00.001Z");
  });

  test("ownerText turns Slack mentions back into ids", () => {
    expect(ownerText({ owners: ["<@U0123ABCD>", "<!subteam^S0456EFGH>"], ownerEmails: ["bob@example.com"] })).toBe(
      "U0123ABCD S0456EFGH bob@example.com",
    );
    expect(ownerText({})).toBeUndefined();
  });

  test("findingKeysOf merges schedules and exposures into the classified keys; only flagged keys get a finding", () => {
    const created = new Date(NOW.getTime() - 100 * DAY);
    const { findings } = classifyKeys(
      {
        users: [
          {
            userName: "alice",
            accessKeys: [{ accessKeyId: "AKIAALICE00000000001", state: "Active", createDate: created }],
          },
          {
            userName: "bob",
            accessKeys: [{ accessKeyId: "AKIABOB0000000000001", state: "Active", createDate: NOW, lastUsedDate: NOW }],
          },
        ],
      },
      THRESHOLDS,
      NOW,
    );
    const date = new Date("2025-06-08T00:00:00Z");
    const keys = findingKeysOf(findings, {
      schedules: new Map([
        ["AKIAALICE00000000001", { kind: "date" as const, date, ageDue: date, setting: "x", noticed: true }],
      ]),
    });
    const alice = keys.find((k) => k.userName === "alice");
    expect(alice?.deactivation).toMatchObject({ kind: "date", date });
    expect(keys.filter(isSecurityHubKey).map((k) => k.userName)).toEqual(["alice"]);
  });
});
