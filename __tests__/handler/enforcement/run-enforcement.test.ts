import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { EnforcementRecord } from "../../../handler/enforcement/enforcement-record";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import type { ActiveEnforcement, DueKey } from "../../../handler/enforcement/plan-enforcement";
import { enforce, planEnforcementFor, type EnforcementDeps } from "../../../handler/enforcement/run-enforcement";
import { DAY, NOW, activeKey, ago, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 400 * DAY };
const SETTINGS: ActiveEnforcement = {
  mode: "armed",
  deactivateAge: { ms: 120 * DAY, label: "120d" },
  notice: { ms: 7 * DAY, label: "7d" },
  maxPerRun: 5,
};
const NOTICED: EnforcementRecord = {
  accessKeyId: keyId(1),
  userName: "alice",
  noticeAt: ago(8 * DAY),
  noticeMode: "armed",
  deactivateOn: ago(DAY),
  reactivations: 0,
  expiresAt: new Date(NOW.getTime() + 100 * DAY),
};

function setup() {
  const puts: EnforcementRecord[][] = [];
  const deactivated: DueKey[][] = [];
  const lines: LogEntry[] = [];
  const deps: EnforcementDeps = {
    settings: SETTINGS,
    load: async () => [NOTICED],
    put: async (records) => void puts.push([...records]),
    deactivate: async (due, run) => {
      deactivated.push([...due]);
      for (const key of due) await run.onDeactivated(key);
      return due.map((key) => ({ accessKeyId: key.finding.accessKeyId, result: "deactivated" as const }));
    },
  };
  const findings = classifyKeys(
    { users: [{ userName: "alice", accessKeys: [activeKey(1, 130 * DAY)] }] },
    THRESHOLDS,
    NOW,
  ).findings;
  const plan = planEnforcementFor(deps, findings, [NOTICED], NOW, DAY);
  const logger = createLogger({ write: (entry) => lines.push(entry) });
  return { deps, plan, puts, deactivated, lines, logger };
}

test("records a deactivation before announcing it, so a failed announcement is repeated by the next run", async () => {
  const { deps, plan, puts, lines, logger } = setup();
  const failing = async () => {
    throw new Error("Slack is down");
  };
  await expect(enforce(deps, { plan, now: NOW, accountId: "1", deliver: failing, logger })).rejects.toThrow(
    "Slack is down",
  );
  expect(puts).toEqual([[expect.objectContaining({ deactivatedAt: NOW, deactivationAnnounced: false })]]);
  expect(lines).toEqual([
    expect.objectContaining({
      level: "warn",
      message: "access key deactivated",
      userName: "alice",
      accessKeyId: "AKIA…0001",
      setting: "DEACTIVATE_AGE=120d",
    }),
  ]);
});

test("after Slack accepted the message the announcement is recorded; without a way to post nothing is deactivated", async () => {
  const delivered = setup();
  const summary = await enforce(delivered.deps, {
    plan: delivered.plan,
    now: NOW,
    accountId: "1",
    deliver: async () => undefined,
    logger: delivered.logger,
  });
  expect(summary).toMatchObject({ mode: "armed", due: 1, deactivated: 1, eventsAnnounced: 1 });
  expect(delivered.puts[1]).toEqual([expect.objectContaining({ deactivationAnnounced: true })]);

  const logged = setup();
  const quiet = await enforce(logged.deps, { plan: logged.plan, now: NOW, accountId: "1", logger: logged.logger });
  expect(logged.deactivated).toEqual([]);
  expect(quiet).toMatchObject({ deactivated: 0, eventsAnnounced: 0 });
  expect(logged.lines).toEqual([
    expect.objectContaining({
      message: "due access keys not deactivated: the Slack payload is only logged (DRY_RUN)",
      keys: ["alice/AKIA…0001"],
    }),
  ]);
});

test("each deactivation is recorded as soon as IAM confirmed it, even when the run ends before the rest", async () => {
  const { deps, plan, puts, logger } = setup();
  let stopAsked = false;
  const cutShort: EnforcementDeps = {
    ...deps,
    stopStarting: () => {
      stopAsked = true;
      return false;
    },
    deactivate: async (due, run) => {
      expect(run.stopStarting()).toBe(false);
      await run.onDeactivated(due[0]);
      throw new Error("Task timed out");
    },
  };
  await expect(
    enforce(cutShort, { plan, now: NOW, accountId: "1", deliver: async () => undefined, logger }),
  ).rejects.toThrow("Task timed out");
  expect(stopAsked).toBe(true);
  expect(puts).toEqual([
    [expect.objectContaining({ accessKeyId: keyId(1), deactivatedAt: NOW, deactivationAnnounced: false })],
  ]);
});

test("a scan that left users unchecked deactivates nothing and says why", async () => {
  const { deps, deactivated, lines, logger } = setup();
  const findings = classifyKeys(
    { users: [{ userName: "alice", accessKeys: [activeKey(1, 130 * DAY)] }] },
    THRESHOLDS,
    NOW,
  ).findings;
  const plan = planEnforcementFor(deps, findings, [NOTICED], NOW, DAY, true);
  const summary = await enforce(deps, { plan, now: NOW, accountId: "1", deliver: async () => undefined, logger });
  expect(deactivated).toEqual([]);
  expect(summary).toMatchObject({ due: 1, deactivated: 0 });
  expect(lines).toEqual([
    expect.objectContaining({
      level: "warn",
      message: expect.stringContaining("left users unchecked"),
      keys: ["alice/AKIA…0001"],
    }),
  ]);
});
