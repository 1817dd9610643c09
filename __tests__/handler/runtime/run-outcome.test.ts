import { runOutcome, type RunOutcomeInput } from "../../../handler/runtime/run-outcome";

const POSTED_DIGEST: RunOutcomeInput = {
  dryRun: false,
  messagesPosted: 1,
  heartbeatOnly: false,
  stateful: false,
  flaggedKeys: 2,
};

describe("runOutcome", () => {
  it("is dry-run for a dry run, whatever else happened", () => {
    expect(runOutcome({ ...POSTED_DIGEST, dryRun: true, messagesPosted: 0 })).toBe("dry-run");
  });

  it("is alerted when a digest was posted", () => {
    expect(runOutcome(POSTED_DIGEST)).toBe("alerted");
  });

  it("is heartbeat when the only message posted was the all-clear", () => {
    expect(runOutcome({ ...POSTED_DIGEST, heartbeatOnly: true, flaggedKeys: 0 })).toBe("heartbeat");
  });

  it("is unchanged when the alert state kept flagged keys silent", () => {
    expect(runOutcome({ ...POSTED_DIGEST, messagesPosted: 0, stateful: true })).toBe("unchanged");
  });

  it("is nothing-flagged when nothing was posted and no key is flagged", () => {
    expect(runOutcome({ ...POSTED_DIGEST, messagesPosted: 0, flaggedKeys: 0 })).toBe("nothing-flagged");
    expect(runOutcome({ ...POSTED_DIGEST, messagesPosted: 0, flaggedKeys: 0, stateful: true })).toBe("nothing-flagged");
  });
});
