import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { EnforcementRecord, EnforcementStretch } from "../../../handler/enforcement/enforcement-record";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import type { ActiveEnforcement } from "../../../handler/enforcement/plan-enforcement";
import { enforce, planEnforcementFor, type EnforcementDeps } from "../../../handler/enforcement/run-enforcement";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { DAY, MINUTE, NOW, activeKey, ago, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 400 * DAY };
const SETTINGS: ActiveEnforcement = {
  mode: "armed",
  deactivateAge: { ms: 120 * DAY, label: "120d" },
  notice: { ms: 7 * DAY, label: "7d" },
  maxPerDay: 5,
  exposedKeys: "alert",
};
const STRETCH: EnforcementStretch = { mode: "armed", since: ago(30 * DAY), lastRunAt: ago(10 * MINUTE) };
const NOTICED: EnforcementRecord = {
  accessKeyId: keyId(1),
  userName: "alice",
  noticeAt: ago(8 * DAY),
  noticeMode: "armed",
  deactivateOn: ago(DAY),
  noticeAgeMs: 120 * DAY,
  noticePeriodMs: 7 * DAY,
  reactivations: 0,
  expiresAt: new Date(NOW.getTime() + 100 * DAY),
};

/** A run over alice's due key, with a store that records every write in order. */
function setup(options: { failingPut?: (records: readonly EnforcementRecord[]) => boolean } = {}) {
  const writes: string[] = [];
  const puts: EnforcementRecord[][] = [];
  const lines: LogEntry[] = [];
  const deps: EnforcementDeps = {
    settings: SETTINGS,
    load: async () => ({ records: [NOTICED], stretch: STRETCH }),
    put: async (records) => {
      if (options.failingPut?.(records)) throw new Error("DynamoDB refused");
      writes.push(records.map((record) => describe(record)).join(","));
      puts.push([...records]);
    },
    putStretch: async (stretch) => void writes.push(`stretch ${stretch.mode}`),
    deactivate: async (due, run) => {
      writes.push("deactivate");
      const outcomes = [];
      for (const key of due) {
        await run.recordIntent(key);
        writes.push(`UpdateAccessKey ${key.finding.userName}`);
        try {
          await run.recordDeactivation(key);
          outcomes.push({ accessKeyId: key.finding.accessKeyId, result: "deactivated" as const });
        } catch (error) {
          outcomes.push({
            accessKeyId: key.finding.accessKeyId,
            result: "deactivated" as const,
            recordFailed: String(error),
          });
        }
      }
      return outcomes;
    },
  };
  const findings = classifyKeys(
    { users: [{ userName: "alice", accessKeys: [activeKey(1, 130 * DAY)] }] },
    THRESHOLDS,
    NOW,
  ).findings;
  const plan = planEnforcementFor(deps, findings, { records: [NOTICED], stretch: STRETCH }, NOW, DAY);
  const logger = createLogger({ write: (entry) => lines.push(entry) });
  return { deps, plan, puts, writes, lines, logger };
}

function describe(record: EnforcementRecord): string {
  if (record.deactivationAnnounced) return "announced";
  if (record.deactivatedAt) return "deactivated";
  if (record.intentAt) return "intent";
  return "other";
}

test("writes ahead: the stretch, then the intent before the IAM call, the outcome after it, the announcement last", async () => {
  const { deps, plan, writes, logger } = setup();
  const posted: SlackMessage[] = [];
  const summary = await enforce(deps, {
    plan,
    now: NOW,
    accountId: "1",
    deliver: async (message) => void posted.push(message),
    logger,
  });
  expect(writes).toEqual([
    "stretch armed",
    "deactivate",
    "intent",
    "UpdateAccessKey alice",
    "deactivated",
    "announced",
  ]);
  expect(summary).toMatchObject({
    mode: "armed",
    due: 1,
    deactivated: 1,
    eventsAnnounced: 1,
    messagesPosted: 1,
    unrecorded: 0,
  });
  expect(posted).toHaveLength(1);
});

test("a deactivation whose record fails is still announced with its restore command, and logged as an audit line", async () => {
  const { deps, plan, lines, logger } = setup({
    failingPut: (records) => records.some((record) => record.deactivatedAt && !record.deactivationAnnounced),
  });
  const posted: SlackMessage[] = [];
  const summary = await enforce(deps, {
    plan,
    now: NOW,
    accountId: "1",
    deliver: async (message) => void posted.push(message),
    logger,
  });
  expect(summary).toMatchObject({ deactivated: 1, unrecorded: 1, eventsAnnounced: 1 });
  expect(JSON.stringify(posted)).toContain("aws iam update-access-key --user-name alice --status Active");
  expect(lines.map((line) => [line.level, line.message])).toEqual([
    ["warn", "access key deactivated"],
    ["error", "could not record an access key's deactivation; it is announced all the same"],
  ]);
  expect(lines[0]).toMatchObject({ userName: "alice", accessKeyId: "AKIA…0001", restoreCommand: expect.any(String) });
});

test("a failed announcement records what went before it and fails the run; the next run announces again", async () => {
  const { deps, plan, puts, lines, logger } = setup();
  const failing = async () => {
    throw new Error("Slack is down");
  };
  await expect(enforce(deps, { plan, now: NOW, accountId: "1", deliver: failing, logger })).rejects.toThrow(
    "Slack is down",
  );
  expect(puts.flat().map((record) => describe(record))).toEqual(["intent", "deactivated"]);
  expect(lines).toEqual([expect.objectContaining({ level: "warn", message: "access key deactivated" })]);
});

test("the lapsed notices and the stretch are written before any key is touched; a failure there touches none", async () => {
  const { deps, writes, logger } = setup();
  const findings = classifyKeys(
    {
      users: [
        { userName: "alice", accessKeys: [activeKey(1, 130 * DAY)] },
        { userName: "bob", accessKeys: [{ ...activeKey(2, 130 * DAY), state: "Inactive" }] },
      ],
    },
    THRESHOLDS,
    NOW,
  ).findings;
  const bobNoticed = { ...NOTICED, accessKeyId: keyId(2), userName: "bob" };
  const plan = planEnforcementFor(deps, findings, { records: [NOTICED, bobNoticed], stretch: STRETCH }, NOW, DAY);
  expect(plan.silentChanges).toEqual([expect.objectContaining({ userName: "bob", inactiveSeenAt: NOW })]);
  await enforce(deps, { plan, now: NOW, accountId: "1", deliver: async () => undefined, logger });
  expect(writes.slice(0, 3)).toEqual(["stretch armed", "other", "deactivate"]);

  const broken: EnforcementDeps = {
    ...deps,
    putStretch: async () => {
      throw new Error("DynamoDB refused");
    },
  };
  writes.length = 0;
  await expect(
    enforce(broken, { plan, now: NOW, accountId: "1", deliver: async () => undefined, logger }),
  ).rejects.toThrow("DynamoDB refused");
  expect(writes).toEqual([]);
});

test("without a way to post (DRY_RUN) nothing is deactivated or written", async () => {
  const { deps, plan, writes, lines, logger } = setup();
  const quiet = await enforce(deps, { plan, now: NOW, accountId: "1", logger });
  expect(writes).toEqual([]);
  expect(quiet).toMatchObject({ deactivated: 0, eventsAnnounced: 0, messagesPosted: 0 });
  expect(lines).toEqual([
    expect.objectContaining({
      message: "due access keys not deactivated: the Slack payload is only logged (DRY_RUN)",
      keys: ["alice/AKIA…0001"],
    }),
  ]);
});

test("a scan that left users unchecked deactivates nothing and says why", async () => {
  const { deps, writes, lines, logger } = setup();
  const findings = classifyKeys(
    { users: [{ userName: "alice", accessKeys: [activeKey(1, 130 * DAY)] }] },
    THRESHOLDS,
    NOW,
  ).findings;
  const plan = planEnforcementFor(deps, findings, { records: [NOTICED], stretch: STRETCH }, NOW, DAY, true);
  const summary = await enforce(deps, { plan, now: NOW, accountId: "1", deliver: async () => undefined, logger });
  expect(writes).not.toContain("deactivate");
  expect(summary).toMatchObject({ due: 1, deactivated: 0 });
  expect(lines).toEqual([
    expect.objectContaining({
      level: "warn",
      message: expect.stringContaining("left users unchecked"),
      keys: ["alice/AKIA…0001"],
    }),
  ]);
});
