import { planAlerts } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { messagesToSend } from "../../../handler/alerts/messages-to-send";
import { renderDigest } from "../../../handler/slack/render-digest";
import { buildRunSummary, type RunSummaryInput } from "../../../handler/runtime/run-summary";
import { DAY, NOW, activeKey, inventoryOf } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const LABELS = { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" };
const classification = classifyKeys(
  inventoryOf([activeKey(1, 95 * DAY, DAY), activeKey(2, DAY, DAY)]),
  THRESHOLDS,
  NOW,
);
const overview = { classification, accountId: "123456789012", now: NOW, missingWatchedUsers: [] };
const digest = renderDigest({ ...overview, skippedUsers: [], thresholdLabels: LABELS });

const INPUT: RunSummaryInput = {
  dryRun: false,
  accountId: "123456789012",
  stats: { apiCalls: 5, skippedUsers: ["gone"], missingWatchedUsers: ["ghost"] },
  classification,
  digest,
  sent: messagesToSend(digest, false, overview),
  messagesPosted: 1,
  heartbeat: false,
  durationMs: 42,
};

describe("buildRunSummary", () => {
  it("summarises a stateless run: outcome, counts, costs, and no optional fields", () => {
    expect(buildRunSummary(INPUT)).toEqual({
      outcome: "alerted",
      accountId: "123456789012",
      counts: { exposed: 0, critical: 1, warning: 0, unused: 0, exempt: 0, ok: 1, inactive: 0 },
      flaggedKeys: 1,
      listedKeys: 1,
      unlistedKeys: 0,
      usersScanned: 2,
      skippedUsers: ["gone"],
      missingWatchedUsers: ["ghost"],
      apiCalls: 5,
      strategy: "api",
      uncheckedUsers: 0,
      throttledRequests: 0,
      retries: 0,
      messagesRendered: 1,
      messagesPosted: 1,
      dryRun: false,
      durationMs: 42,
    });
  });

  it("adds the environment, the scan strategy's figures, the alert counts and the heartbeat flag", () => {
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: DAY });
    const summary = buildRunSummary({
      ...INPUT,
      environmentName: "prod",
      stats: { ...INPUT.stats, strategy: "credential-report", candidateUsers: 1 },
      plan,
      heartbeat: true,
    });
    expect(summary).toMatchObject({
      environment: "prod",
      strategy: "credential-report",
      candidateUsers: 1,
      alerts: { new: 1, worse: 0, reminder: 0, resolved: 0, unchanged: 0 },
      heartbeat: true,
    });
  });

  it("counts the unchecked users and names the first, with the throttles and retries the scan met", () => {
    const summary = buildRunSummary({
      ...INPUT,
      stats: { ...INPUT.stats, uncheckedUsers: ["zed", "amy"], throttledRequests: 7, retries: 9 },
    });
    expect(summary).toMatchObject({ uncheckedUsers: 2, uncheckedNamed: "amy, zed", throttledRequests: 7, retries: 9 });
  });

  it("takes its outcome from runOutcome: silence with alert state and flagged keys is unchanged", () => {
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: DAY });
    expect(buildRunSummary({ ...INPUT, plan, messagesPosted: 0 }).outcome).toBe("unchanged");
    expect(buildRunSummary({ ...INPUT, dryRun: true, messagesPosted: 0 }).outcome).toBe("dry-run");
  });
});
