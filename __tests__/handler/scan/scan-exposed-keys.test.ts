import { IAMClient } from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { GetAccessKeyLastUsedCommand } from "@aws-sdk/client-iam";
import { loadConfig } from "../../../handler/runtime/config/config";
import { classifyKeys } from "../../../handler/scan/classify";
import { exposedKeyOwners } from "../../../handler/scan/exposed-key-owners";
import { scanAccount } from "../../../handler/scan/scan-account";
import { scannerFor } from "../../../handler/scan/select-scanner";
import { credentialReportCsv, mockIamAccount, type FakeUser } from "../support/fake-iam";

// Both strategies find an exposed key: the API walk through ListAttachedUserPolicies, the
// credential-report scan through the attached policies GetAccountAuthorizationDetails carries; and
// both read the owner of a key an AWS Health event named, whatever WATCH_USERS or the report say.
const DAY = 86_400_000;
const QUARANTINE = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3";
const now = new Date();
const key = (id: string, ageDays: number) => ({ id, created: new Date(now.getTime() - ageDays * DAY), active: true });

const users: FakeUser[] = [
  { name: "alice", tags: {}, keys: [key("AKIAALICE00000000001", 5)] },
  { name: "leaked", tags: {}, keys: [key("AKIALEAKED0000000001", 2)], policies: [QUARANTINE] },
  { name: "named", tags: {}, keys: [key("AKIANAMED00000000001", 3)] },
  ...Array.from({ length: 10 }, (_, i) => ({
    name: `young-${i}`,
    tags: {},
    keys: [key(`AKIAYOUNG${i}0000000000`, 1)],
  })),
];

let iam: ReturnType<typeof mockIamAccount>;
beforeEach(() => (iam = mockIamAccount({ users, report: { csv: credentialReportCsv(users), generatedAt: now } })));
afterEach(() => iam.restore());

const statuses = (result: Awaited<ReturnType<typeof scanAccount>>, exposedKeyIds: string[] = []) =>
  Object.fromEntries(
    classifyKeys(result.inventory, loadConfig({ DRY_RUN: "true" }).thresholds, now, { exposedKeyIds })
      .findings.filter((finding) => finding.status !== "ok")
      .map((finding) => [finding.userName, finding.status]),
  );

describe.each(["api", "credential-report"])("SCAN_STRATEGY=%s", (strategy) => {
  const config = loadConfig({ DRY_RUN: "true", SCAN_STRATEGY: strategy });

  it("finds the quarantined user's 2-day-old key exposed", async () => {
    const result = await scannerFor(config, { iam: new IAMClient({}) })();
    expect(statuses(result)).toEqual({ leaked: "exposed" });
    expect(result.inventory.users.find((user) => user.userName === "leaked")?.attachedPolicyArns).toEqual([QUARANTINE]);
    // The report path reads every user's policies with their tags, in pages: no call per user.
    if (strategy === "credential-report") expect(iam.calls.get("ListAttachedUserPolicies")).toBeUndefined();
  });

  it("reads the owner of a key an exposure event named, even outside WATCH_USERS", async () => {
    const watched = loadConfig({ DRY_RUN: "true", SCAN_STRATEGY: strategy, WATCH_USERS: "alice" });
    const exposedKeyIds = ["AKIANAMED00000000001", "AKIAUNKNOWN000000001"];
    const result = await scannerFor(watched, { iam: new IAMClient({}) })({ exposedKeyIds });
    expect(result.inventory.users.map((user) => user.userName).sort()).toEqual(
      strategy === "api" ? ["alice", "named"] : ["named"],
    );
    expect(statuses(result, exposedKeyIds)).toEqual({ named: "exposed" });
    expect(iam.calls.get("GetAccessKeyLastUsed")).toBeGreaterThanOrEqual(2);
  });
});

describe("scanAccount", () => {
  it("takes attached policies already read instead of calling ListAttachedUserPolicies", async () => {
    const result = await scanAccount({
      iam: new IAMClient({}),
      userNames: ["leaked"],
      knownPolicies: new Map([["leaked", [QUARANTINE]]]),
    });
    expect(result.inventory.users[0]?.attachedPolicyArns).toEqual([QUARANTINE]);
    expect(iam.calls.get("ListAttachedUserPolicies")).toBeUndefined();
  });
});

describe("exposedKeyOwners", () => {
  it("answers each owner once and leaves keys IAM does not know without one", async () => {
    const owners = await exposedKeyOwners(new IAMClient({}), [
      "AKIANAMED00000000001",
      "AKIAUNKNOWN000000001",
      "AKIANAMED00000000001",
    ]);
    expect(owners).toEqual(["named"]);
  });

  it("treats AccessDenied (a key of another account) as not found, and fails on anything else", async () => {
    iam.restore();
    const mock = mockClient(IAMClient);
    try {
      mock
        .on(GetAccessKeyLastUsedCommand, { AccessKeyId: "AKIAOTHERACCOUNT0001" })
        .rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }))
        .on(GetAccessKeyLastUsedCommand, { AccessKeyId: "AKIABROKEN0000000001" })
        .rejects(Object.assign(new Error("boom"), { name: "ServiceFailure" }));
      expect(await exposedKeyOwners(new IAMClient({}), ["AKIAOTHERACCOUNT0001"])).toEqual([]);
      await expect(exposedKeyOwners(new IAMClient({}), ["AKIABROKEN0000000001"])).rejects.toThrow(
        /GetAccessKeyLastUsed failed for a key named by an AWS Health exposure event/,
      );
    } finally {
      mock.restore();
    }
  });
});
