import { expectFailure, expectSuccess } from "../../../scripts/lib/invoke-bundle";
import { DAY, EnforcementHarness, HOUR, MINUTE, masked, minuteOf } from "./support/enforcement-harness";

// The cases 1, 2, 5 and 7 through the bundle on moto: a notice counts only while it stands,
// people win, threshold tags have a ceiling, and the enforcement mode is read one way everywhere.
// Keys of `n-` users are 118 days old (DEACTIVATE_AGE=120d: due in two days, so a notice goes out at
// once); `t-` users' keys are 400 days old.
jest.setTimeout(180_000);

const OLD_MINUTES = 118 * 24 * 60;
let harness: EnforcementHarness;

beforeAll(async () => {
  harness = await EnforcementHarness.start({ "n-": OLD_MINUTES, "t-": 400 * 24 * 60 });
});

afterAll(async () => {
  await harness?.close();
});

/** The notice the table holds for a key, as dates. */
async function notice(table: string, id: string) {
  const record = (await harness.records(table)).get(id);
  return {
    record,
    noticeAt: record?.noticeAt ? new Date(String(record.noticeAt)) : undefined,
    deactivateOn: record?.deactivateOn ? new Date(String(record.deactivateOn)) : undefined,
  };
}

test("case 1 (exemption, opt-out) and case 2 (switched off by hand): any break starts over with a fresh notice, told in the channel", async () => {
  const table = "notice-breaks";
  await harness.table(table);
  const keys = await harness.users(["n-exempt", "n-never", "n-hand"]);
  const env = harness.env(table, [...keys.keys()]);
  const id = (user: string) => keys.get(user)!;

  const first = await harness.invoke(0, env);
  for (const user of keys.keys()) {
    expect(first.enforcement).toMatch(new RegExp(`To be deactivated on .*\`${user}\` · \`${masked(id(user))}\``));
  }

  // After the notice: exempt for 20 days, opted out, switched off by hand.
  const exemptUntil = new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10);
  await harness.tag("n-exempt", "key-age:exempt-until", exemptUntil);
  await harness.tag("n-never", "key-age:deactivate", "never");
  await harness.setStatus("n-hand", id("n-hand"), "Inactive");
  const seen = await harness.invoke(HOUR, env);
  expect(expectSuccess(seen.outcome).enforcement).toMatchObject({ due: 0, deactivated: 0 });
  const lapsed = await harness.records(table);
  for (const user of keys.keys()) expect(lapsed.get(id(user))).not.toHaveProperty("noticeAt");
  expect(lapsed.get(id("n-hand"))).toHaveProperty("inactiveSeenAt");

  // The exemption lapses, the opt-out is removed, the owner switches the key back on: all long past the first date.
  await harness.untag("n-never", "key-age:deactivate");
  await harness.setStatus("n-hand", id("n-hand"), "Active");
  const later = await harness.invoke(21 * DAY, env);
  expect(expectSuccess(later.outcome).enforcement).toMatchObject({ due: 0, deactivated: 0 });
  for (const user of keys.keys()) {
    const fresh = await notice(table, id(user));
    // A full notice period from this run, named in the channel.
    expect(fresh.noticeAt!.getTime()).toBeGreaterThan(Date.now() + 21 * DAY - 10 * MINUTE);
    expect(fresh.deactivateOn!.getTime() - fresh.noticeAt!.getTime()).toBe(7 * DAY);
    expect(later.enforcement).toContain(minuteOf(fresh.deactivateOn!));
  }
  expect(later.enforcement).toMatch(
    new RegExp(
      `To be deactivated on .*\`n-exempt\`.* · a new notice: the key was exempt \\(tag key-age:exempt-until=${exemptUntil}\\)`,
    ),
  );
  expect(later.enforcement).toMatch(/To be deactivated on .*`n-never`.* · a new notice: tag key-age:deactivate=never/);
  expect(later.enforcement).toMatch(
    /\*Reactivated by a person\* · `n-hand` · .* switched off by hand \(seen .*\), active again at .* · new date .*: not deactivated again before it/,
  );

  // Ten minutes later nothing is switched off: the fresh notice period runs.
  const tenMinutes = await harness.invoke(21 * DAY + 10 * MINUTE, env);
  expect(expectSuccess(tenMinutes.outcome).enforcement).toMatchObject({ due: 0, deactivated: 0 });
  for (const user of keys.keys()) expect(await harness.statusOf(user, id(user))).toBe("Active");
});

test("case 1 (enforcement off, then re-armed): the earlier notice does not count", async () => {
  const table = "notice-off";
  await harness.table(table);
  const keys = await harness.users(["n-off"]);
  const id = keys.get("n-off")!;
  const env = harness.env(table, ["n-off"]);

  const armed = await harness.invoke(0, env);
  expect(armed.enforcement).toContain("To be deactivated on");
  const off = await harness.invoke(HOUR, { ...env, ENFORCEMENT: "off" });
  expect(off.enforcement).toBe("");
  expect((await harness.records(table)).get("~stretch")).toMatchObject({ mode: "off" });

  const rearmed = await harness.invoke(8 * DAY, env);
  expect(expectSuccess(rearmed.outcome).enforcement).toMatchObject({ due: 0, deactivated: 0 });
  expect(rearmed.enforcement).toMatch(
    /To be deactivated on .*`n-off`.* · a new notice: enforcement was off or in another mode since the earlier notice/,
  );
  const fresh = await notice(table, id);
  expect(fresh.deactivateOn!.getTime() - fresh.noticeAt!.getTime()).toBe(7 * DAY);
  expect(await harness.statusOf("n-off", id)).toBe("Active");
});

test("case 5: threshold tags above MAX_TAG_AGE are tag problems; the key is critical and keeps its deactivation date", async () => {
  const table = "notice-tags";
  await harness.table(table);
  const keys = await harness.users(["t-machine"]);
  await harness.tag("t-machine", "key-age:warning-age", "3650d");
  await harness.tag("t-machine", "key-age:critical-age", "3650d");
  const run = await harness.invoke(0, harness.env(table, ["t-machine"]));
  const summary = expectSuccess(run.outcome);
  expect(summary.counts).toMatchObject({ critical: 1, ok: 0 });
  expect(run.digest).toContain('tag key-age:warning-age="3650d" is ignored: it is above 400d');
  expect(run.digest).toContain('tag key-age:critical-age="3650d" is ignored: it is above 400d');
  // Deactivation follows DEACTIVATE_AGE, a notice period from now: not 2035.
  expect(run.enforcement).toMatch(/To be deactivated on .*`t-machine`.* · DEACTIVATE_AGE=120d/);
  const fresh = await notice(table, keys.get("t-machine")!);
  expect(fresh.deactivateOn!.getTime() - fresh.noticeAt!.getTime()).toBe(7 * DAY);
});

test("case 7: the function refuses ENFORCEMENT with a space (synth does too), a zero notice, and an armed notice under 24h outside a sandbox", async () => {
  const env = harness.env("notice-config", ["nobody"]);
  const refused = async (extra: Record<string, string>) =>
    expectFailure((await harness.invoke(0, { ...env, ...extra })).outcome).errorMessage;
  expect(await refused({ ENFORCEMENT: "armed " })).toContain(
    'ENFORCEMENT="armed ": expected "off", "dry-run", "armed", without surrounding spaces',
  );
  expect(await refused({ DEACTIVATION_NOTICE: "0m" })).toContain('DEACTIVATION_NOTICE="0m": must be longer than zero');
  expect(await refused({ DEACTIVATION_NOTICE: "10m" })).toContain(
    'DEACTIVATION_NOTICE="10m": shorter than 24h while ENFORCEMENT is "armed"',
  );
  await harness.table("notice-config");
  expectSuccess((await harness.invoke(0, { ...env, DEACTIVATION_NOTICE: "10m", SANDBOX: "true" })).outcome);
});
