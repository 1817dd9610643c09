import {
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  IAMServiceException,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { classifyKeys, type Classification, type Thresholds } from "../../../handler/scan/classify";
import { parseUserTags, userThresholds } from "../../../handler/scan/user-tags";
import { fetchCredentialReport, scanWithCredentialReport } from "../../../handler/scan/credential-report-scan";
import { scanAccount } from "../../../handler/scan/scan-account";
import { PAGE, credentialReportCsv, mockIamAccount, type FakeAccount, type FakeUser } from "../support/fake-iam";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DEFAULTS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const userThresholdSource = {
  thresholdsFor: (tags: Readonly<Record<string, string>>, defaults: Thresholds) =>
    userThresholds(defaults, parseUserTags(tags)).thresholds,
};

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Population {
  readonly account: FakeAccount;
  readonly now: Date;
  readonly thresholds: Thresholds;
}

/**
 * An account as the report saw it at G, then (when `changed`) changed until `now` the way a live
 * account does: keys used, deactivated, reactivated, deleted and created, users deleted and created,
 * tags changed.
 */
function generatePopulation(seed: number, changed = true): Population {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const now = new Date("2025-06-01T12:00:00Z");
  const reportAgeMs = Math.floor(rnd() * 4 * HOUR);
  const generatedAt = new Date(now.getTime() - reportAgeMs);
  const thresholds = pick<Thresholds>([
    DEFAULTS,
    { warningAgeMs: 30 * DAY, criticalAgeMs: 60 * DAY, unusedAgeMs: 10 * DAY },
    // Thresholds within the report's possible age: the scan must still match, by reading more users.
    { warningAgeMs: 2 * HOUR, criticalAgeMs: 5 * HOUR, unusedAgeMs: 3 * HOUR },
  ]);
  let keySerial = 0;
  const newKey = (createdBefore: Date, maxAgeMs: number): FakeUser["keys"][number] => {
    const created = new Date(createdBefore.getTime() - Math.floor(rnd() * maxAgeMs));
    const used = rnd() < 0.6;
    return {
      id: `AKIA${String(seed).padStart(6, "0")}${String((keySerial += 1)).padStart(10, "0")}`,
      created,
      active: rnd() < 0.85,
      ...(used
        ? { lastUsed: new Date(created.getTime() + Math.floor(rnd() * (createdBefore.getTime() - created.getTime()))) }
        : {}),
    };
  };
  const tagsFor = (): Record<string, string> =>
    pick<Record<string, string>>([
      {},
      {},
      {},
      { "key-age:warning-age": "1d" },
      { "key-age:critical-age": "400d", "key-age:warning-age": "300d" },
      { "key-age:exempt-until": "2030-01-01" },
      { "Key-Age:Warning-Age": "3h" },
      { team: "data" },
    ]);

  const users: FakeUser[] = Array.from({ length: 20 + Math.floor(rnd() * 40) }, (_, i) => ({
    name: pick(["user", "svc", "ci,bot", 'odd"name']) + `-${i}`,
    tags: tagsFor(),
    keys: Array.from({ length: pick([0, 1, 1, 2]) }, () => newKey(generatedAt, 150 * DAY)),
  }));
  const csv = credentialReportCsv(users);
  if (!changed) return { account: { users, report: { csv, generatedAt } }, now, thresholds };

  // What happened after the report.
  const since = () => new Date(generatedAt.getTime() + Math.floor(rnd() * (now.getTime() - generatedAt.getTime())));
  const live: FakeUser[] = [];
  for (const user of users) {
    if (rnd() < 0.05) continue; // deleted
    const keys = user.keys
      .filter(() => rnd() > 0.05)
      .map((key) => ({
        ...key,
        ...(rnd() < 0.2 ? { lastUsed: since() } : {}),
        ...(rnd() < 0.1 ? { active: !key.active } : {}),
      }));
    if (keys.length < 2 && rnd() < 0.15)
      keys.push({ ...newKey(now, now.getTime() - generatedAt.getTime()), active: true });
    live.push({ ...user, tags: rnd() < 0.1 ? tagsFor() : user.tags, keys });
  }
  for (let i = 0; i < 3; i += 1) {
    if (rnd() < 0.5)
      live.push({ name: `new-${i}`, tags: tagsFor(), keys: [newKey(now, now.getTime() - generatedAt.getTime())] });
  }
  return { account: { users: live, report: { csv, generatedAt } }, now, thresholds };
}

const flagged = (classification: Classification) =>
  classification.flagged.map((f) => ({
    user: f.userName,
    key: f.accessKeyId,
    status: f.status,
    created: f.createDate?.toISOString(),
    lastUsed: f.lastUsedDate?.toISOString(),
  }));

describe("scanWithCredentialReport", () => {
  it("finds exactly what the full scan finds, on generated populations (property)", async () => {
    let candidatesTotal = 0;
    let usersTotal = 0;
    for (let seed = 1; seed <= 150; seed += 1) {
      const { account, now, thresholds } = generatePopulation(seed);
      const iam = mockIamAccount(account);
      try {
        const client = new IAMClient({});
        const full = await scanAccount({ iam: client });
        const hybrid = await scanWithCredentialReport({
          iam: client,
          thresholds,
          userThresholds: userThresholdSource,
          now: () => now,
          sleep: async () => undefined,
        });
        const expected = classifyKeys(full.inventory, thresholds, now);
        const actual = classifyKeys(hybrid.inventory, thresholds, now);
        expect({ seed, findings: flagged(actual) }).toEqual({ seed, findings: flagged(expected) });
        // Every count: what the hybrid read live equals the full scan's count of the same users, and
        // the rest is labelled as the report's, with the report's time. The keys of the users it did
        // not read live are all ok or inactive in the full scan too.
        const readLive = new Set(hybrid.inventory.users.map((user) => user.userName));
        const live = classifyKeys(
          { users: full.inventory.users.filter((user) => readLive.has(user.userName)) },
          thresholds,
          now,
        );
        const rest = classifyKeys(
          { users: full.inventory.users.filter((user) => !readLive.has(user.userName)) },
          thresholds,
          now,
        );
        const reported = actual.fromReport ?? { ok: 0, inactive: 0 };
        expect({
          seed,
          counts: {
            ...actual.counts,
            ok: actual.counts.ok - reported.ok,
            inactive: actual.counts.inactive - reported.inactive,
          },
          restFlaggedOrExempt: rest.counts.critical + rest.counts.warning + rest.counts.unused + rest.counts.exempt,
          reportTime: actual.fromReport?.generatedAt,
        }).toEqual({
          seed,
          counts: live.counts,
          restFlaggedOrExempt: 0,
          reportTime: hybrid.stats.strategy === "credential-report" ? account.report?.generatedAt : undefined,
        });
        candidatesTotal += hybrid.stats.candidateUsers ?? 0;
        usersTotal += account.users.length;
      } finally {
        iam.restore();
      }
    }
    // The filter must actually filter across the populations, not read everyone.
    expect(candidatesTotal).toBeLessThan(usersTotal);
  });

  it("gives every count the full scan gives when nothing changed since the report (property)", async () => {
    let reportOnlyKeys = 0;
    for (let seed = 1; seed <= 60; seed += 1) {
      const { account, now, thresholds } = generatePopulation(seed, false);
      const iam = mockIamAccount(account);
      try {
        const client = new IAMClient({});
        const full = await scanAccount({ iam: client });
        const hybrid = await scanWithCredentialReport({
          iam: client,
          thresholds,
          userThresholds: userThresholdSource,
          now: () => now,
          sleep: async () => undefined,
        });
        const expected = classifyKeys(full.inventory, thresholds, now);
        const actual = classifyKeys(hybrid.inventory, thresholds, now);
        expect({ seed, counts: actual.counts, users: actual.usersScanned }).toEqual({
          seed,
          counts: expected.counts,
          users: expected.usersScanned,
        });
        reportOnlyKeys += (actual.fromReport?.ok ?? 0) + (actual.fromReport?.inactive ?? 0);
      } finally {
        iam.restore();
      }
    }
    expect(reportOnlyKeys).toBeGreaterThan(0); // the report did stand in for live reads
  });

  it("reads only candidates: a few report calls plus the candidates' own calls, with totals equal to the full scan", async () => {
    const now = new Date("2025-06-01T12:00:00Z");
    const young = (i: number) => ({
      id: `AKIAYOUNG${String(i).padStart(11, "0")}`,
      created: new Date(now.getTime() - 5 * DAY),
      active: true,
      lastUsed: new Date(now.getTime() - DAY),
    });
    const users: FakeUser[] = Array.from({ length: 100 }, (_, i) => ({
      name: `user-${i}`,
      tags: {},
      keys: [young(i)],
    }));
    users[7]!.keys = [{ id: "AKIAOLD0000000000007", created: new Date(now.getTime() - 100 * DAY), active: true }];
    users[8]!.keys.push({ id: "AKIARETIRED000000008", created: new Date(now.getTime() - 200 * DAY), active: false });
    users[9]!.keys = [];
    const account: FakeAccount = {
      users,
      report: { csv: credentialReportCsv(users), generatedAt: new Date(now.getTime() - 3 * HOUR) },
    };
    const iam = mockIamAccount(account);
    try {
      const full = await scanAccount({ iam: new IAMClient({}) });
      const fullCalls = full.stats.apiCalls;
      iam.calls.clear();
      const hybrid = await scanWithCredentialReport({ iam: new IAMClient({}), thresholds: DEFAULTS, now: () => now });
      // user-7 (old) and user-8 (an old inactive key could have been reactivated since the report).
      expect(hybrid.stats).toMatchObject({ strategy: "credential-report", candidateUsers: 2, skippedUsers: [] });
      expect(Object.fromEntries(iam.calls)).toEqual({
        GenerateCredentialReport: 1,
        GetCredentialReport: 1,
        ListAccessKeys: 2,
        GetAccessKeyLastUsed: 2,
        ListUserTags: 2,
        ListAttachedUserPolicies: 2,
        GetAccountSummary: 1,
      });
      expect(hybrid.stats.apiCalls).toBe(11);
      expect(fullCalls).toBeGreaterThan(250);

      // With per-user thresholds every user's tags come from GetAccountAuthorizationDetails pages, and
      // the candidates' tags are taken from there: no ListUserTags per candidate.
      iam.calls.clear();
      const tagged = await scanWithCredentialReport({
        iam: new IAMClient({}),
        thresholds: DEFAULTS,
        now: () => now,
        userThresholds: userThresholdSource,
      });
      expect(Object.fromEntries(iam.calls)).toEqual({
        GenerateCredentialReport: 1,
        GetCredentialReport: 1,
        GetAccountAuthorizationDetails: Math.ceil(users.length / PAGE),
        ListAccessKeys: 2,
        GetAccessKeyLastUsed: 2,
        GetAccountSummary: 1,
      });
      expect(tagged.inventory.users.map((user) => user.tags)).toEqual([{}, {}]);
      const [expected, actual] = [
        classifyKeys(full.inventory, DEFAULTS, now),
        classifyKeys(hybrid.inventory, DEFAULTS, now),
      ];
      // Same flagged keys, same totals per status, same user count: the digest is identical.
      expect(actual.flagged).toEqual(expected.flagged);
      expect(actual.counts).toEqual(expected.counts);
      expect(actual.usersScanned).toBe(expected.usersScanned);
    } finally {
      iam.restore();
    }
  });

  it("falls back to the full walk when the report is as old as the smallest threshold", async () => {
    const now = new Date("2025-06-01T12:00:00Z");
    const users: FakeUser[] = [{ name: "alice", tags: {}, keys: [] }];
    const account: FakeAccount = {
      users: [],
      report: { csv: credentialReportCsv([]), generatedAt: new Date(now.getTime() - 4 * HOUR) },
    };
    account.users = users; // alice was created after the report
    const iam = mockIamAccount(account);
    try {
      const result = await scanWithCredentialReport({
        iam: new IAMClient({}),
        thresholds: { warningAgeMs: 4 * HOUR, criticalAgeMs: DAY, unusedAgeMs: DAY },
        now: () => now,
        classifyWithinMs: 0,
      });
      expect(result.stats.strategy).toBe("api");
      expect(result.inventory.users.map((u) => u.userName)).toEqual(["alice"]);
      expect(iam.calls.get("ListUsers")).toBe(1);
    } finally {
      iam.restore();
    }
  });

  it("scans watched users only, and reports watched names that do not exist", async () => {
    const now = new Date("2025-06-01T12:00:00Z");
    const old = { id: "AKIAOLD0000000000001", created: new Date(now.getTime() - 100 * DAY), active: true };
    const users: FakeUser[] = [
      { name: "alice", tags: {}, keys: [old] },
      { name: "bob", tags: {}, keys: [{ ...old, id: "AKIAOLD0000000000002" }] },
    ];
    const account: FakeAccount = { users, report: { csv: credentialReportCsv(users), generatedAt: now } };
    const iam = mockIamAccount(account);
    try {
      const result = await scanWithCredentialReport({
        iam: new IAMClient({}),
        thresholds: DEFAULTS,
        watchUsers: ["alice", "ghost"],
        now: () => now,
      });
      expect(result.inventory.users.map((u) => u.userName)).toEqual(["alice"]);
      expect(result.stats.missingWatchedUsers).toEqual(["ghost"]);
    } finally {
      iam.restore();
    }
  });
});

describe("scanWithCredentialReport with a time budget", () => {
  it("checks the previous run's unchecked candidates first and leaves the ones it cannot reach unchecked", async () => {
    const now = new Date("2025-06-01T12:00:00Z");
    const old = (i: number) => ({
      id: `AKIAOLD${String(i).padStart(13, "0")}`,
      created: new Date(now.getTime() - 100 * DAY),
      active: true,
    });
    const users: FakeUser[] = Array.from({ length: 6 }, (_, i) => ({ name: `user-${i}`, tags: {}, keys: [old(i)] }));
    const account: FakeAccount = { users, report: { csv: credentialReportCsv(users), generatedAt: now } };
    const iam = mockIamAccount(account);
    try {
      // Runs out once two candidates have been started (each starts with ListAccessKeys).
      const budget = { stopStarting: () => (iam.calls.get("ListAccessKeys") ?? 0) >= 2, msUntilStop: () => 60_000 };
      const result = await scanWithCredentialReport({
        iam: new IAMClient({}),
        thresholds: DEFAULTS,
        now: () => now,
        concurrency: 1,
        budget,
        checkFirst: ["user-5", "user-4"],
      });
      expect(result.inventory.users.map((user) => user.userName)).toEqual(["user-5", "user-4"]);
      expect(result.stats).toMatchObject({ strategy: "credential-report", candidateUsers: 6 });
      expect([...(result.stats.uncheckedUsers ?? [])].sort()).toEqual(["user-0", "user-1", "user-2", "user-3"]);
    } finally {
      iam.restore();
    }
  });

  it("waits for the report no longer than the budget allows", async () => {
    const mock = mockClient(IAMClient);
    mock.on(GenerateCredentialReportCommand).resolves({ State: "STARTED" });
    mock.on(GetAccountSummaryCommand).resolves({ SummaryMap: { AccountAccessKeysPresent: 0 } });
    try {
      let clock = 0;
      await expect(
        scanWithCredentialReport({
          iam: new IAMClient({}),
          thresholds: DEFAULTS,
          now: () => new Date(clock),
          sleep: async (ms) => {
            clock += ms;
          },
          budget: { stopStarting: () => false, msUntilStop: () => 3_000 },
        }),
      ).rejects.toThrow("still STARTED after 3000 ms");
    } finally {
      mock.restore();
    }
  });
});

describe("fetchCredentialReport", () => {
  const iamMock = mockClient(IAMClient);
  beforeEach(() => iamMock.reset());
  afterAll(() => iamMock.restore());
  const iamError = (name: string, code: string) =>
    new IAMServiceException({ name, $fault: "client", message: code, $metadata: {} });

  it("polls through STARTED and INPROGRESS, waits out LimitExceeded, ReportInProgress and ReportExpired", async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: "STARTED" })
      .rejectsOnce(iamError("LimitExceededException", "LimitExceeded"))
      .resolvesOnce({ State: "INPROGRESS" })
      .resolves({ State: "COMPLETE" });
    iamMock
      .on(GetCredentialReportCommand)
      .rejectsOnce(iamError("CredentialReportNotReadyException", "ReportInProgress"))
      .rejectsOnce(iamError("CredentialReportExpiredException", "ReportExpired"))
      .resolves({ Content: new TextEncoder().encode("user\n"), GeneratedTime: new Date("2025-06-01T00:00:00Z") });
    const pauses: number[] = [];
    let calls = 0;
    const report = await fetchCredentialReport(new IAMClient({}), {
      countCall: () => (calls += 1),
      sleep: async (ms) => void pauses.push(ms),
      timeoutMs: 120_000,
      now: () => new Date(0),
    });
    expect(report).toEqual({ content: "user\n", generatedAt: new Date("2025-06-01T00:00:00Z") });
    expect(calls).toBe(6 + 3);
    expect(pauses).toEqual([500, 1000, 2000, 4000, 5000]);
  });

  it("fails the scan with a named error when the report never completes", async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: "INPROGRESS" });
    let clock = 0;
    await expect(
      fetchCredentialReport(new IAMClient({}), {
        countCall: () => undefined,
        sleep: async (ms) => void (clock += ms),
        timeoutMs: 30_000,
        now: () => new Date(clock),
      }),
    ).rejects.toThrow(/credential report was not ready in time.*INPROGRESS after 30000 ms/);
  });

  it("fails on any other error, such as AccessDenied", async () => {
    iamMock.on(GenerateCredentialReportCommand).rejects(iamError("AccessDeniedException", "AccessDenied"));
    await expect(
      fetchCredentialReport(new IAMClient({}), {
        countCall: () => undefined,
        sleep: async () => undefined,
        timeoutMs: 1000,
        now: () => new Date(0),
      }),
    ).rejects.toThrow(/GenerateCredentialReport failed: AccessDeniedException/);
  });
});

describe("WATCH_USERS matches user names regardless of case, in both strategies", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  const old = { id: "AKIAOLD0000000000001", created: new Date(now.getTime() - 100 * DAY), active: true };
  const users: FakeUser[] = [{ name: "alice", tags: {}, keys: [old] }];
  const account: FakeAccount = { users, report: { csv: credentialReportCsv(users), generatedAt: now } };

  it.each([
    ["api", () => scanAccount({ iam: new IAMClient({}), watchUsers: ["Alice", "GHOST"] })],
    [
      "credential-report",
      () =>
        scanWithCredentialReport({
          iam: new IAMClient({}),
          thresholds: DEFAULTS,
          watchUsers: ["Alice", "GHOST"],
          now: () => now,
        }),
    ],
    [
      "credential-report with tags",
      () =>
        scanWithCredentialReport({
          iam: new IAMClient({}),
          thresholds: DEFAULTS,
          watchUsers: ["Alice", "GHOST"],
          userThresholds: userThresholdSource,
          now: () => now,
        }),
    ],
  ])("%s: WATCH_USERS=Alice finds user alice under its own name", async (_strategy, scan) => {
    const iam = mockIamAccount(account);
    try {
      const result = await scan();
      expect(result.inventory.users.map((u) => u.userName)).toEqual(["alice"]);
      expect(result.stats.missingWatchedUsers).toEqual(["GHOST"]);
    } finally {
      iam.restore();
    }
  });
});

describe("the root user's access key in both strategies", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  const rootKey = {
    id: "root",
    created: new Date(now.getTime() - 400 * DAY),
    active: true,
    lastUsed: new Date(now.getTime() - DAY),
  };
  const users: FakeUser[] = [{ name: "alice", tags: {}, keys: [] }];
  const scans = {
    api: () => scanAccount({ iam: new IAMClient({}) }),
    "credential-report": () =>
      scanWithCredentialReport({ iam: new IAMClient({}), thresholds: DEFAULTS, now: () => now }),
  };

  it.each(Object.entries(scans))("%s: an active root key is found (GetAccountSummary)", async (strategy, scan) => {
    const iam = mockIamAccount({
      users,
      rootAccessKey: true,
      report: { csv: credentialReportCsv(users, rootKey), generatedAt: now },
    });
    try {
      const result = await scan();
      const [finding] = classifyKeys(result.inventory, DEFAULTS, now).flagged;
      expect(finding).toMatchObject({ userName: "<root>", status: "critical", root: true });
      // Only the report tells age and last use; the API walk knows only that the key exists.
      if (strategy === "api") expect(finding.createDate).toBeUndefined();
      else expect(finding).toMatchObject({ createDate: rootKey.created, lastUsedDate: rootKey.lastUsed });
    } finally {
      iam.restore();
    }
  });

  it("credential-report: time that runs out during the root check stops the whole scan, never an all-clear", async () => {
    // Throttled: GetAccountSummary answers only after the scan's stop (the abandoned request then fails).
    const iam = mockIamAccount({
      users,
      report: { csv: credentialReportCsv(users, rootKey), generatedAt: now },
      accountSummaryFailsAfterMs: 50,
    });
    try {
      // One stop signal for every call of the scan: the report is not asked for after it.
      const scan = scanWithCredentialReport({
        iam: new IAMClient({}),
        thresholds: DEFAULTS,
        now: () => now,
        budget: { stopStarting: () => false, msUntilStop: () => 10 },
      });
      await expect(scan).rejects.toThrow("The time ran out before the credential report was ready");
      expect(iam.sentActions()).not.toContain("iam:GenerateCredentialReport");
    } finally {
      iam.restore();
    }
  });

  it("a root key deleted since the report is gone: the live summary wins over the report's row", async () => {
    const iam = mockIamAccount({
      users,
      rootAccessKey: false,
      report: { csv: credentialReportCsv(users, rootKey), generatedAt: now },
    });
    try {
      const result = await scans["credential-report"]();
      expect(result.inventory.rootAccessKey).toBeUndefined();
    } finally {
      iam.restore();
    }
  });
});
