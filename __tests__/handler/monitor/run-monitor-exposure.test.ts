import type { AlertRecord, StateChange } from "../../../handler/alerts/alert-transitions";
import { loadConfig } from "../../../handler/runtime/config/config";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { createLogger } from "../../../handler/runtime/logger";
import { runMonitor } from "../../../handler/monitor/run-monitor";
import type { RunTrigger } from "../../../handler/runtime/run-trigger";
import { DAY, NOW, activeKey, keyId } from "../support/inventory-builders";
import { listedKeyLines } from "../support/slack-digest-assertions";

// The run's side of exposure: a Health event's keys reach the scan and the classification in the same
// invocation, an event key the scan does not find is still named, and a later run without the event
// keeps the key exposed from the alert state.
const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";
const QUARANTINE = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3";
const EVENT_KEY = keyId(7);
const GONE_KEY = "AKIAGONE000000000099";

const young = (): AccessKeyInventory => ({
  users: [
    { userName: "alice", accessKeys: [activeKey(7, 2 * DAY, DAY)] },
    { userName: "bob", accessKeys: [activeKey(8, 100 * DAY, DAY)] },
  ],
});
const exposureEvent = (accessKeyIds: string[]): RunTrigger => ({
  eventId: "health-event-1",
  heartbeat: false,
  exposure: { eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED", accessKeyIds },
});

function table() {
  const items = new Map<string, AlertRecord>();
  return {
    items,
    load: async () => [...items.values()],
    apply: async (changes: readonly StateChange[]) => {
      for (const change of changes) {
        if (change.type === "put") items.set(change.record.accessKeyId, change.record);
        else items.delete(change.accessKeyId);
      }
    },
  };
}

async function run(
  inventory: AccessKeyInventory,
  options: {
    trigger?: RunTrigger;
    alertState?: ReturnType<typeof table>;
    at?: Date;
    env?: Record<string, string>;
  } = {},
) {
  const posted: SlackMessage[] = [];
  const scans: { checkFirst: readonly string[]; exposedKeyIds?: readonly string[] }[] = [];
  const summary = await runMonitor({
    config: loadConfig({
      SLACK_WEBHOOK_URL: WEBHOOK,
      ENVIRONMENT_NAME: "prod",
      ...(options.alertState ? { ALERT_STATE_TABLE: "state" } : {}),
      ...options.env,
    }),
    scan: async (scanRun) => {
      scans.push(scanRun);
      return { inventory, stats: { apiCalls: 1, skippedUsers: [], missingWatchedUsers: [] } };
    },
    accountId: async () => "123456789012",
    webhookUrl: async () => WEBHOOK,
    deliver: async (messages) => {
      posted.push(...messages);
      return { messagesPosted: messages.length };
    },
    now: () => options.at ?? NOW,
    logger: createLogger({ write: () => undefined }),
    ...(options.trigger ? { trigger: options.trigger } : {}),
    ...(options.alertState ? { alertState: options.alertState } : {}),
  });
  return { summary, posted, scans };
}

describe("runMonitor and exposure", () => {
  it("names the key a Health event names as exposed, first, in the same invocation", async () => {
    const { summary, posted, scans } = await run(young(), { trigger: exposureEvent([EVENT_KEY]) });
    expect(scans[0]?.exposedKeyIds).toEqual([EVENT_KEY]);
    expect(summary.counts).toMatchObject({ exposed: 1, critical: 1 });
    const lines = listedKeyLines(posted);
    expect(lines[0]).toBe(
      ":rotating_light: *Exposed* · `alice` · `AKIA…0007` · named by an AWS Health exposure event · age 2d · last used 1d ago (s3)",
    );
    expect(lines[1]).toMatch(/^:red_circle: \*Critical\* · `bob`/);
    expect(posted[0]?.blocks[0]).toMatchObject({ text: { text: "Exposed IAM access key · prod · 123456789012" } });
    expect(posted[0]?.text).toMatch(/^Exposed IAM access key in prod \(123456789012\): 1 exposed, 1 critical,/);
    const guidance = JSON.stringify(posted[0]);
    expect(guidance).toContain("*Exposed:* Treat the key as compromised: rotate it now");
    expect(guidance).toContain("review CloudTrail for everything this key did");
    expect(guidance).toContain("What to do about an exposed key (AWS)");
  });

  it("names a Health event's key the scan did not find instead of dropping it", async () => {
    const { posted } = await run({ users: [] }, { trigger: exposureEvent([GONE_KEY]), alertState: table() });
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0])).toContain(
      "`AKIA…0099` · key from an AWS Health exposure event not found in this account",
    );
  });

  it("keeps a key an earlier event named exposed, without the event and without a quarantine policy", async () => {
    const state = table();
    await run(young(), { trigger: exposureEvent([EVENT_KEY]), alertState: state });
    expect(state.items.get(EVENT_KEY)).toMatchObject({ status: "exposed", exposedByEvent: true });
    // The next scheduled run: no event; the record keeps the key exposed (and nothing is re-announced).
    const later = await run(young(), { alertState: state, at: new Date(NOW.getTime() + 600_000) });
    expect(later.scans[0]?.exposedKeyIds).toEqual([EVENT_KEY]);
    expect(later.summary.counts.exposed).toBe(1);
    expect(later.posted).toEqual([]);
  });

  it("announces a quarantined user's key at once even though it was announced as critical minutes ago", async () => {
    const state = table();
    const old = (policies: string[] = []): AccessKeyInventory => ({
      users: [{ userName: "carol", accessKeys: [activeKey(9, 100 * DAY)], attachedPolicyArns: policies }],
    });
    await run(old(), { alertState: state });
    const quarantined = await run(old([QUARANTINE]), { alertState: state, at: new Date(NOW.getTime() + 600_000) });
    expect(listedKeyLines(quarantined.posted)).toEqual([
      ":rotating_light: *Exposed* · `carol` · `AKIA…0009` · AWS quarantine policy AWSCompromisedKeyQuarantineV3 attached · age 100d · never used · *worse*, was critical",
    ]);
  });

  it("says it in the original's words too", async () => {
    const { posted } = await run(young(), { trigger: exposureEvent([EVENT_KEY]), env: { MESSAGE_STYLE: "original" } });
    expect(listedKeyLines(posted)[0]).toBe(
      "alice's key AKIA…0007 is exposed: AWS found it in public (named by an AWS Health exposure event). Rotate it now!",
    );
  });
});
