import { planAlerts } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { ROOT_ACCESS_KEY_ID, ROOT_USER_NAME } from "../../../handler/scan/inventory";
import { renderAnnouncement, renderLine } from "../../../handler/slack/render-digest";
import { DAY, NOW, activeKey, ago } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

describe("the root user's access key", () => {
  it("is critical whatever its age, under the stable name <root>, most severe first", () => {
    const result = classifyKeys(
      {
        users: [{ userName: "old", accessKeys: [activeKey(1, 400 * DAY, DAY)] }],
        rootAccessKey: { createDate: ago(DAY) },
      },
      THRESHOLDS,
      NOW,
    );
    expect(result.flagged.map((f) => [f.userName, f.accessKeyId, f.status])).toEqual([
      [ROOT_USER_NAME, ROOT_ACCESS_KEY_ID, "critical"],
      ["old", "AKIA0000000000000001", "critical"],
    ]);
    expect(result.flagged[0]).toMatchObject({ root: true, ageMs: DAY, createDate: ago(DAY) });
    expect(result.counts.critical).toBe(2);
  });

  it("is critical with no age known (the API walk only learns that it exists)", () => {
    const result = classifyKeys({ users: [], rootAccessKey: {} }, THRESHOLDS, NOW);
    expect(result.flagged).toHaveLength(1);
    expect(result.flagged[0].ageMs).toBeUndefined();
    expect(result.flagged[0].createDate).toBeUndefined();
  });

  it("has its own wording in every style", () => {
    const [withAge] = classifyKeys(
      { users: [], rootAccessKey: { createDate: ago(30 * DAY), lastUsedDate: ago(2 * DAY) } },
      THRESHOLDS,
      NOW,
    ).flagged;
    expect(renderLine(withAge, { now: NOW })).toBe(
      ":red_circle: *Critical* · `&lt;root&gt;` · the root user has an active access key; delete it · age 30d · last used 2d ago",
    );
    const [noAge] = classifyKeys({ users: [], rootAccessKey: {} }, THRESHOLDS, NOW).flagged;
    expect(renderLine(noAge, { now: NOW, style: "original" })).toBe(
      "The root user has an active access key; delete it!",
    );
  });

  it("follows the alert-state semantics of any key: new, reminder, resolved when deleted", () => {
    const present = classifyKeys({ users: [], rootAccessKey: {} }, THRESHOLDS, NOW);
    const first = planAlerts({
      records: [],
      classification: present,
      now: NOW,
      remindEveryMs: DAY,
      watchUsers: ["alice"],
    });
    expect(first.announcements.map((a) => a.kind)).toEqual(["new"]);
    const change = first.announcements[0].change;
    if (change.type !== "put") throw new Error("expected a put");
    expect(change.record).toMatchObject({
      accessKeyId: ROOT_ACCESS_KEY_ID,
      userName: ROOT_USER_NAME,
      status: "critical",
    });

    const later = new Date(NOW.getTime() + DAY);
    const reminder = planAlerts({ records: [change.record], classification: present, now: later, remindEveryMs: DAY });
    expect(reminder.announcements.map((a) => a.kind)).toEqual(["reminder"]);

    const gone = classifyKeys({ users: [] }, THRESHOLDS, later);
    // Watching only some users does not make the root key "unwatched": it is always checked.
    const resolved = planAlerts({
      records: [change.record],
      classification: gone,
      now: later,
      remindEveryMs: DAY,
      watchUsers: ["alice"],
    });
    expect(resolved.announcements).toEqual([expect.objectContaining({ kind: "resolved", reason: "deleted" })]);
    expect(renderAnnouncement(resolved.announcements[0], { now: later })).toBe(
      ":white_check_mark: *Resolved* · `&lt;root&gt;` · the root user no longer has an active access key",
    );
  });
});
