import { parseRunTrigger } from "../../../handler/runtime/run-trigger";

describe("parseRunTrigger", () => {
  it("takes the id of a scheduled event", () => {
    expect(
      parseRunTrigger({ id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event", detail: {} }),
    ).toEqual({
      eventId: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
      heartbeat: false,
    });
  });

  it("recognizes the heartbeat rule's input", () => {
    expect(parseRunTrigger({ kind: "heartbeat", id: "e-1", time: "2025-06-01T09:00:00Z" })).toEqual({
      eventId: "e-1",
      heartbeat: true,
    });
  });

  it("treats anything else as a plain run without an id", () => {
    for (const event of [undefined, null, "x", {}, { id: 42 }, { id: "  " }, { kind: "other" }]) {
      expect(parseRunTrigger(event)).toEqual({ heartbeat: false });
    }
  });
});

describe("parseRunTrigger: AWS Health exposure events", () => {
  const healthEvent = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    version: "0",
    id: "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "AWS Health Event",
    source: "aws.health",
    account: "123456789012",
    region: "us-east-1",
    resources: [],
    detail: { service: "RISK", eventTypeCategory: "issue", ...detail },
    ...extra,
  });

  it.each([
    "AWS_RISK_CREDENTIALS_EXPOSED",
    "AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED",
    "AWS_RISK_CREDENTIALS_COMPROMISED",
  ])("names the keys of %s", (eventTypeCode) => {
    const event = healthEvent({
      eventTypeCode,
      affectedEntities: [
        { entityValue: "AKIAIOSFODNN7EXAMPLE" },
        { entityValue: " AKIAIOSFODNN7EXAMPLE " },
        { entityValue: "not-a-key" },
        { entityValue: "ASIAIOSFODNN7EXAMPLE" },
        null,
      ],
    });
    expect(parseRunTrigger(event)).toEqual({
      eventId: "7bf73129-1428-4cd3-a780-95db273d1602",
      heartbeat: false,
      exposure: {
        eventTypeCode,
        accessKeyIds: ["AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE"],
        accountId: "123456789012",
      },
    });
  });

  it("still recognises an exposure event that names no key", () => {
    expect(parseRunTrigger(healthEvent({ eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED" })).exposure).toEqual({
      eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED",
      accessKeyIds: [],
      accountId: "123456789012",
    });
  });

  it("ignores other Health events and look-alikes", () => {
    const others = [
      healthEvent({ service: "EC2", eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED" }),
      healthEvent({ eventTypeCode: "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED" }),
      healthEvent({ eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED" }, { source: "custom.health" }),
      healthEvent({ eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED" }, { "detail-type": "Scheduled Event" }),
      { ...healthEvent({}), detail: "RISK" },
    ];
    for (const event of others) expect(parseRunTrigger(event).exposure).toBeUndefined();
  });
});
