import {
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { ScanError, scanAccount } from "../../../handler/scan/scan-account";

const iamMock = mockClient(IAMClient);
const CREATED = new Date("2025-01-01T00:00:00Z");
const USED = new Date("2025-05-01T00:00:00Z");

const noSuchEntity = (message: string): NoSuchEntityException => new NoSuchEntityException({ message, $metadata: {} });

function stubKeys(userName: string, keys: { id: string; status?: "Active" | "Inactive" }[]): void {
  iamMock.on(ListAccessKeysCommand, { UserName: userName }).resolves({
    AccessKeyMetadata: keys.map((key) => ({
      UserName: userName,
      AccessKeyId: key.id,
      Status: key.status ?? "Active",
      CreateDate: CREATED,
    })),
  });
}

beforeEach(() => {
  iamMock.reset();
  iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: { AccountAccessKeysPresent: 0 } });
});

describe("scanAccount", () => {
  it("walks every ListUsers page, every key page and the last use of each active key", async () => {
    iamMock
      .on(ListUsersCommand)
      .resolves({ Users: [{ UserName: "alice" } as never], IsTruncated: true, Marker: "page-2" })
      .on(ListUsersCommand, { Marker: "page-2" })
      .resolves({ Users: [{ UserName: "bob" } as never, { UserName: "carol" } as never], IsTruncated: false });
    iamMock
      .on(ListAccessKeysCommand, { UserName: "alice" })
      .resolves({
        AccessKeyMetadata: [{ AccessKeyId: "AKIAALICE00000000001", Status: "Active", CreateDate: CREATED }],
        IsTruncated: true,
        Marker: "keys-2",
      })
      .on(ListAccessKeysCommand, { UserName: "alice", Marker: "keys-2" })
      .resolves({
        AccessKeyMetadata: [{ AccessKeyId: "AKIAALICE00000000002", Status: "Inactive", CreateDate: CREATED }],
      });
    stubKeys("bob", [{ id: "AKIABOB0000000000001" }]);
    stubKeys("carol", []);
    iamMock
      .on(GetAccessKeyLastUsedCommand, { AccessKeyId: "AKIAALICE00000000001" })
      .resolves({ AccessKeyLastUsed: { LastUsedDate: USED, ServiceName: "s3", Region: "us-east-1" } })
      .on(GetAccessKeyLastUsedCommand, { AccessKeyId: "AKIABOB0000000000001" })
      .resolves({ AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } });
    iamMock
      .on(ListUserTagsCommand, { UserName: "alice" })
      .resolves({ Tags: [{ Key: "key-age:owner", Value: "U012AB3CD" }], IsTruncated: true, Marker: "tags-2" })
      .on(ListUserTagsCommand, { UserName: "alice", Marker: "tags-2" })
      .resolves({ Tags: [{ Key: "team", Value: "platform" }] })
      .on(ListUserTagsCommand, { UserName: "bob" })
      .resolves({ Tags: [] });

    const result = await scanAccount({ iam: new IAMClient({}) });

    expect(result.inventory.users).toEqual([
      {
        userName: "alice",
        accessKeys: [
          {
            accessKeyId: "AKIAALICE00000000001",
            state: "Active",
            createDate: CREATED,
            lastUsedDate: USED,
            lastUsedService: "s3",
          },
          { accessKeyId: "AKIAALICE00000000002", state: "Inactive", createDate: CREATED },
        ],
        tags: { "key-age:owner": "U012AB3CD", team: "platform" },
        attachedPolicyArns: [],
      },
      {
        userName: "bob",
        accessKeys: [{ accessKeyId: "AKIABOB0000000000001", state: "Active", createDate: CREATED }],
        tags: {},
        attachedPolicyArns: [],
      },
      { userName: "carol", accessKeys: [] },
    ]);
    // 2 ListUsers pages + 4 ListAccessKeys pages + 2 GetAccessKeyLastUsed (the inactive key is not looked up)
    // + 3 ListUserTags pages (carol has no active key, so her tags cannot matter) + 2 ListAttachedUserPolicies
    // (the quarantine policy, for the same users) + 1 GetAccountSummary.
    expect(result.stats).toEqual({ apiCalls: 14, skippedUsers: [], missingWatchedUsers: [] });
    expect(
      iamMock
        .commandCalls(ListUserTagsCommand)
        .map((call) => call.args[0].input.UserName)
        .sort(),
    ).toEqual(["alice", "alice", "bob"]);
    expect(iamMock.commandCalls(ListUsersCommand)).toHaveLength(2);
    expect(iamMock.commandCalls(GetAccessKeyLastUsedCommand)).toHaveLength(2);
  });

  it("skips and counts a user deleted mid-scan", async () => {
    iamMock
      .on(ListUsersCommand)
      .resolves({ Users: ["alice", "ghost", "zed"].map((UserName) => ({ UserName }) as never) });
    stubKeys("alice", [{ id: "AKIAALICE00000000001" }]);
    stubKeys("zed", [{ id: "AKIAZED0000000000001" }]);
    iamMock
      .on(ListAccessKeysCommand, { UserName: "ghost" })
      .rejects(noSuchEntity("The user with name ghost cannot be found."));
    iamMock.on(GetAccessKeyLastUsedCommand).resolves({ AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } });
    iamMock.on(GetAccessKeyLastUsedCommand, { AccessKeyId: "AKIAZED0000000000001" }).rejects(noSuchEntity("gone"));

    const result = await scanAccount({ iam: new IAMClient({}) });

    expect(result.inventory.users.map((user) => user.userName)).toEqual(["alice"]);
    expect(result.stats.skippedUsers).toEqual(["ghost", "zed"]);
  });

  it.each([
    ["ListUsers", ListUsersCommand],
    ["ListAccessKeys", ListAccessKeysCommand],
    ["GetAccessKeyLastUsed", GetAccessKeyLastUsedCommand],
  ] as const)("fails the scan when %s is throttled beyond the SDK's retries", async (action, command) => {
    iamMock.on(ListUsersCommand).resolves({ Users: [{ UserName: "alice" } as never] });
    stubKeys("alice", [{ id: "AKIAALICE00000000001" }]);
    iamMock.on(GetAccessKeyLastUsedCommand).resolves({ AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } });
    const throttled = new IAMServiceException({
      name: "Throttling",
      $fault: "client",
      message: "Rate exceeded",
      $metadata: { httpStatusCode: 400, attempts: 10 },
    });
    iamMock.on(command as never).rejects(throttled);

    const scan = scanAccount({ iam: new IAMClient({}) });

    await expect(scan).rejects.toBeInstanceOf(ScanError);
    await expect(scan).rejects.toThrow(new RegExp(`^${action} failed.*: Throttling: Rate exceeded$`));
  });

  it("skips a user deleted before its tags were read, and fails the scan when ListUserTags is denied", async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: [{ UserName: "alice" } as never, { UserName: "ghost" } as never] });
    stubKeys("alice", [{ id: "AKIAALICE00000000001" }]);
    stubKeys("ghost", [{ id: "AKIAGHOST00000000001" }]);
    iamMock.on(GetAccessKeyLastUsedCommand).resolves({ AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } });
    iamMock
      .on(ListUserTagsCommand, { UserName: "alice" })
      .resolves({ Tags: [{ Key: "key-age:warning-age", Value: "365d" }] });
    iamMock.on(ListUserTagsCommand, { UserName: "ghost" }).rejects(noSuchEntity("gone"));
    const result = await scanAccount({ iam: new IAMClient({}) });
    expect(result.inventory.users).toEqual([
      expect.objectContaining({ userName: "alice", tags: { "key-age:warning-age": "365d" } }),
    ]);
    expect(result.stats.skippedUsers).toEqual(["ghost"]);

    iamMock
      .on(ListUserTagsCommand, { UserName: "ghost" })
      .rejects(
        new IAMServiceException({ name: "AccessDenied", $fault: "client", message: "not authorized", $metadata: {} }),
      );
    await expect(scanAccount({ iam: new IAMClient({}) })).rejects.toThrow(
      "ListUserTags failed for user ghost: AccessDenied: not authorized",
    );
  });

  it("fails the scan on access denied instead of reporting a partial inventory", async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: [{ UserName: "alice" } as never, { UserName: "bob" } as never] });
    stubKeys("alice", []);
    iamMock
      .on(ListAccessKeysCommand, { UserName: "bob" })
      .rejects(
        new IAMServiceException({ name: "AccessDenied", $fault: "client", message: "not authorized", $metadata: {} }),
      );
    await expect(scanAccount({ iam: new IAMClient({}) })).rejects.toThrow(
      "ListAccessKeys failed for user bob: AccessDenied: not authorized",
    );
  });

  it("scans only watched users and reports the ones that do not exist", async () => {
    iamMock.on(GetUserCommand, { UserName: "Demogorgon" }).resolves({ User: { UserName: "Demogorgon" } as never });
    iamMock
      .on(GetUserCommand, { UserName: "Vecna" })
      .rejects(noSuchEntity("The user with name Vecna cannot be found."));
    stubKeys("Demogorgon", [{ id: "AKIADEMOGORGON000001" }]);
    iamMock.on(GetAccessKeyLastUsedCommand).resolves({ AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } });

    const result = await scanAccount({ iam: new IAMClient({}), watchUsers: ["Demogorgon", "Vecna"] });

    expect(iamMock.commandCalls(ListUsersCommand)).toHaveLength(0);
    expect(iamMock.commandCalls(ListAccessKeysCommand).map((call) => call.args[0].input.UserName)).toEqual([
      "Demogorgon",
    ]);
    expect(result.inventory.users.map((user) => user.userName)).toEqual(["Demogorgon"]);
    // 2 GetUser + 1 ListAccessKeys + 1 GetAccessKeyLastUsed + 1 ListUserTags + 1 ListAttachedUserPolicies
    // + 1 GetAccountSummary
    expect(result.stats).toEqual({ apiCalls: 7, skippedUsers: [], missingWatchedUsers: ["Vecna"] });
  });

  it("keeps at most `concurrency` users in flight", async () => {
    const names = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    iamMock.on(ListUsersCommand).resolves({ Users: names.map((UserName) => ({ UserName }) as never) });
    let inFlight = 0;
    let peak = 0;
    iamMock.on(ListAccessKeysCommand).callsFake(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return { AccessKeyMetadata: [] };
    });
    await scanAccount({ iam: new IAMClient({}), concurrency: 4 });
    expect(peak).toBe(4);
  });
});

describe("scanAccount with a time budget", () => {
  function fiveUsers(): string[] {
    const names = ["u1", "u2", "u3", "u4", "u5"];
    iamMock.on(ListUsersCommand).resolves({ Users: names.map((UserName) => ({ UserName }) as never) });
    for (const name of names) stubKeys(name, []);
    return names;
  }

  /** A budget that runs out once `users` users have been started (each starts with ListAccessKeys). */
  function budgetFor(users: number) {
    return {
      stopStarting: () => iamMock.commandCalls(ListAccessKeysCommand).length >= users,
      msUntilStop: () => 60_000,
    };
  }

  it("stops starting users when the budget runs out and returns the rest as unchecked", async () => {
    fiveUsers();
    const result = await scanAccount({ iam: new IAMClient({}), concurrency: 1, budget: budgetFor(2) });
    expect(result.inventory.users.map((user) => user.userName)).toEqual(["u1", "u2"]);
    expect(result.stats.uncheckedUsers).toEqual(["u3", "u4", "u5"]);
  });

  it("checks the previous run's unchecked users first", async () => {
    fiveUsers();
    const result = await scanAccount({
      iam: new IAMClient({}),
      concurrency: 1,
      budget: budgetFor(3),
      checkFirst: ["u4", "gone", "u5"],
    });
    expect(iamMock.commandCalls(ListAccessKeysCommand).map((call) => call.args[0].input.UserName)).toEqual([
      "u4",
      "u5",
      "u1",
    ]);
    expect(result.stats.uncheckedUsers).toEqual(["u2", "u3"]);
  });

  it("reports no unchecked users when the scan finishes in time", async () => {
    fiveUsers();
    const result = await scanAccount({ iam: new IAMClient({}), budget: budgetFor(99) });
    expect(result.inventory.users).toHaveLength(5);
    expect(result.stats.uncheckedUsers).toBeUndefined();
  });

  it("leaves watched users unchecked too when the budget is already spent", async () => {
    const result = await scanAccount({
      iam: new IAMClient({}),
      watchUsers: ["alice", "bob"],
      budget: { stopStarting: () => true, msUntilStop: () => 0 },
    });
    expect(iamMock.commandCalls(GetUserCommand)).toHaveLength(0);
    // The root check was not started either: it is unchecked, never an all-clear.
    expect(iamMock.commandCalls(GetAccountSummaryCommand)).toHaveLength(0);
    expect(result.stats.uncheckedUsers).toEqual(["alice", "bob", "<root>"]);
    expect(result.stats.missingWatchedUsers).toEqual([]);
  });

  it("leaves the root check unchecked when the time runs out while GetAccountSummary is in flight", async () => {
    fiveUsers();
    // Throttled: the answer comes only after the scan's stop (the abandoned request then fails).
    iamMock
      .on(GetAccountSummaryCommand)
      .callsFake(() => new Promise((_resolve, reject) => setTimeout(() => reject(new Error("aborted")), 50)));
    const result = await scanAccount({
      iam: new IAMClient({}),
      budget: { stopStarting: () => false, msUntilStop: () => 10 },
    });
    expect(result.inventory.rootAccessKey).toBeUndefined();
    expect(result.stats.uncheckedUsers).toEqual(["<root>"]);
  });
});

describe("scanAccount: inactive keys' last use", () => {
  it("is looked up only when asked (the CLI lists it; the function never alerts inactive keys)", async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: [{ UserName: "alice" } as never] });
    stubKeys("alice", [{ id: "AKIAALICE00000000009", status: "Inactive" }]);
    iamMock
      .on(GetAccessKeyLastUsedCommand)
      .resolves({ AccessKeyLastUsed: { LastUsedDate: USED, ServiceName: "ec2", Region: "us-east-1" } });
    const plain = await scanAccount({ iam: new IAMClient({}) });
    expect(plain.inventory.users[0].accessKeys[0].lastUsedDate).toBeUndefined();
    const listed = await scanAccount({ iam: new IAMClient({}), inactiveKeyLastUse: true });
    expect(listed.inventory.users[0].accessKeys[0]).toMatchObject({ lastUsedDate: USED, lastUsedService: "ec2" });
  });

  it("fails the scan when GetAccountSummary fails: a root key must not go unseen", async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: [] });
    iamMock
      .on(GetAccountSummaryCommand)
      .rejects(new IAMServiceException({ name: "AccessDenied", $fault: "client", message: "denied", $metadata: {} }));
    await expect(scanAccount({ iam: new IAMClient({}) })).rejects.toThrow(/GetAccountSummary failed/);
  });
});
