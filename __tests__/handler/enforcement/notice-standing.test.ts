import type { EnforcementRecord } from "../../../handler/enforcement/enforcement-record";
import { continueStretch, noticeStanding } from "../../../handler/enforcement/notice-standing";
import { DAY, NOW, ago, keyId } from "../support/inventory-builders";

const NOTICE: EnforcementRecord = {
  accessKeyId: keyId(1),
  userName: "alice",
  noticeAt: ago(3 * DAY),
  noticeMode: "armed",
  deactivateOn: new Date(NOW.getTime() + 4 * DAY),
  noticeAgeMs: 120 * DAY,
  noticePeriodMs: 7 * DAY,
  reactivations: 0,
  expiresAt: NOW,
};
const CONDITIONS = { mode: "armed" as const, since: ago(30 * DAY), ageMs: 120 * DAY, noticeMs: 7 * DAY };

test("a notice stands while every condition it was given under holds", () => {
  expect(noticeStanding(NOTICE, CONDITIONS)).toEqual({
    stands: true,
    noticeAt: NOTICE.noticeAt,
    date: NOTICE.deactivateOn,
  });
});

test.each<[string, Partial<EnforcementRecord>, Partial<typeof CONDITIONS>, string | undefined]>([
  ["no notice at all", { noticeAt: undefined }, {}, undefined],
  [
    "a cleared notice says why",
    { noticeAt: undefined, lapseReason: "tag key-age:deactivate=never" },
    {},
    "tag key-age:deactivate=never",
  ],
  ["another mode", { noticeMode: "dry-run" }, {}, "the earlier notice was a dry run"],
  [
    "a stretch begun after it",
    {},
    { since: ago(DAY) },
    "enforcement was off or in another mode since the earlier notice",
  ],
  ["another age", {}, { ageMs: 150 * DAY }, "the deactivation age changed from 120d to 150d"],
  ["another period", {}, { noticeMs: 14 * DAY }, "the notice period changed from 7d to 14d"],
  ["the key seen off", { inactiveSeenAt: ago(DAY) }, {}, "the key was switched off by hand"],
])("%s: it does not stand", (_, record, conditions, reason) => {
  expect(noticeStanding({ ...NOTICE, ...record }, { ...CONDITIONS, ...conditions })).toEqual({
    stands: false,
    ...(reason ? { reason } : {}),
  });
});

test("the stretch goes on in one mode and starts anew in another", () => {
  const stretch = { mode: "armed" as const, since: ago(30 * DAY), lastRunAt: ago(DAY) };
  expect(continueStretch(stretch, "armed", NOW)).toEqual({ ...stretch, lastRunAt: NOW });
  expect(continueStretch({ ...stretch, mode: "off" }, "armed", NOW)).toEqual({
    mode: "armed",
    since: NOW,
    lastRunAt: NOW,
  });
  expect(continueStretch(undefined, "dry-run", NOW)).toEqual({ mode: "dry-run", since: NOW, lastRunAt: NOW });
});
