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
