import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { messagesToSend } from "../../../handler/alerts/messages-to-send";
import { renderDigest } from "../../../handler/slack/render-digest";
import { DAY, NOW, activeKey, inventoryOf } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const LABELS = { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" };

function overview(keys: Parameters<typeof inventoryOf>[0]) {
  return { classification: classifyKeys(inventoryOf(keys), THRESHOLDS, NOW), accountId: "123456789012", now: NOW };
}

describe("messagesToSend", () => {
  const flagged = overview([activeKey(1, 95 * DAY, DAY)]);
  const quiet = overview([activeKey(1, DAY, DAY)]);
  const digestOf = (input: ReturnType<typeof overview>) =>
    renderDigest({ ...input, skippedUsers: [], missingWatchedUsers: [], thresholdLabels: LABELS });

  it("sends the digest, with the keys each message names", () => {
    const digest = digestOf(flagged);
    expect(messagesToSend(digest, false, flagged)).toEqual({
      messages: digest.messages,
      namedPerMessage: digest.namedPerMessage,
      heartbeatOnly: false,
    });
  });

  it("adds no all-clear to a heartbeat run that posts a digest", () => {
    const digest = digestOf(flagged);
    expect(messagesToSend(digest, true, flagged)).toMatchObject({ messages: digest.messages, heartbeatOnly: false });
  });

  it("sends the all-clear alone on a heartbeat run with nothing else to post, naming no key", () => {
    const sent = messagesToSend(digestOf(quiet), true, quiet);
    expect(sent.heartbeatOnly).toBe(true);
    expect(sent.namedPerMessage).toEqual([[]]);
    expect(sent.messages).toHaveLength(1);
    expect(sent.messages[0]?.text).toContain("none need attention");
  });

  it("sends nothing on a plain run with nothing to post", () => {
    expect(messagesToSend(digestOf(quiet), false, quiet)).toEqual({
      messages: [],
      namedPerMessage: [],
      heartbeatOnly: false,
    });
  });
});
