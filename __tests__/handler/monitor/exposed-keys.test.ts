import type { AlertRecord } from "../../../handler/alerts/alert-transitions";
import { eventExposedKeyIds } from "../../../handler/monitor/exposed-keys";

const NOW = new Date("2026-01-01T00:00:00Z");
const record = (accessKeyId: string, extra: Partial<AlertRecord> = {}): AlertRecord => ({
  accessKeyId,
  userName: "alice",
  status: "exposed",
  announcedAt: NOW,
  since: NOW,
  expiresAt: new Date(NOW.getTime() + 1000),
  ...extra,
});

describe("eventExposedKeyIds", () => {
  it("takes this run's event keys, then the ones an earlier event named, once each", () => {
    const trigger = {
      heartbeat: false,
      exposure: { eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED", accessKeyIds: ["AKIANEW0000000000001"] },
    };
    const records = [
      record("AKIAOLD0000000000001", { exposedByEvent: true }),
      record("AKIANEW0000000000001", { exposedByEvent: true }),
      record("AKIAQUARANTINED00001"),
      record("AKIAEXPIRED000000001", { exposedByEvent: true, expiresAt: NOW }),
    ];
    expect(eventExposedKeyIds(trigger, records, NOW)).toEqual(["AKIANEW0000000000001", "AKIAOLD0000000000001"]);
    expect(eventExposedKeyIds(undefined, undefined, NOW)).toEqual([]);
  });
});
