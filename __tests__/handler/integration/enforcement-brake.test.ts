import { expectSuccess } from "../../../scripts/lib/invoke-bundle";
import { DAY, EnforcementHarness, HOUR, MINUTE, masked, minuteOf } from "./support/enforcement-harness";

// The cases 4 and 6 through the bundle on moto: the brake counts deactivations over a
// rolling 24 hours, and names every key it holds. Keys of `b-`, `l-` and `roll-a-` users are 118
// days old (DEACTIVATE_AGE=120d); `roll-b-` keys fall due 19 hours after `roll-a-` ones.
jest.setTimeout(240_000);

const OLD_MINUTES = 118 * 24 * 60;
let harness: EnforcementHarness;

beforeAll(async () => {
  harness = await EnforcementHarness.start({
    "b-": OLD_MINUTES,
    "l-": OLD_MINUTES,
    "roll-a-": OLD_MINUTES,
    "roll-b-": OLD_MINUTES - (5 * 24 + 19) * 60,
  });
});

afterAll(async () => {
  await harness?.close();
});

const names = (prefix: string, count: number, width = 3) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, "0")}`);

/** Every held key is named on a line of its own, whole; returns the lines. */
function heldLines(text: string): string[] {
  return text.split("\n").filter((line) => line.startsWith("• "));
}

test("case 4: 100 keys falling due at once get their notices in one run, and a limit of 40 holds all of them", async () => {
  const table = "brake-hundred";
  await harness.table(table);
  const keys = await harness.users(names("b-", 100));
  const env = harness.env(table, [...keys.keys()], { MAX_DEACTIVATIONS_PER_DAY: "40" });

  const notices = await harness.invoke(0, env);
  for (const [user, id] of keys) {
    expect(notices.enforcement).toMatch(new RegExp(`To be deactivated on .*\`${user}\` · \`${masked(id)}\``));
  }
  const noticed = await harness.records(table);
  expect([...keys.values()].every((id) => noticed.get(id)?.noticeAt !== undefined)).toBe(true);

  const due = await harness.invoke(8 * DAY, env);
  expect(expectSuccess(due.outcome).enforcement).toMatchObject({ due: 100, deactivated: 0, braked: true });
  expect(due.enforcement).toContain("*Enforcement brake engaged: 100 keys due*, 0 deactivated in the last 24 hours");
  expect(due.enforcement).toContain(
    "More keys are due than the limit allows in 24 hours: they are held until a person acts",
  );
  const lines = heldLines(due.enforcement);
  expect(lines).toHaveLength(100);
  for (const [user, id] of keys)
    expect(lines).toContainEqual(expect.stringContaining(`\`${user}\` · \`${masked(id)}\``));
  for (const [user, id] of keys) expect(await harness.statusOf(user, id)).toBe("Active");
});

test("case 4: with a limit of 5, four keys go, and four more due 19 hours later wait until the 24-hour window allows", async () => {
  const table = "brake-rolling";
  await harness.table(table);
  const first = await harness.users(names("roll-a-", 4, 1));
  const second = await harness.users(names("roll-b-", 4, 1));
  const env = harness.env(table, [...first.keys(), ...second.keys()], { MAX_DEACTIVATIONS_PER_DAY: "5" });

  await harness.invoke(0, env); // notices for the first four
  const secondNotices = await harness.invoke(19 * HOUR, env);
  for (const user of second.keys())
    expect(secondNotices.enforcement).toMatch(new RegExp(`To be deactivated on .*\`${user}\``));

  const firstDue = await harness.invoke(7 * DAY + MINUTE, env);
  expect(expectSuccess(firstDue.outcome).enforcement).toMatchObject({ due: 4, deactivated: 4, braked: false });
  const deactivatedAt = new Date(String((await harness.records(table)).get(first.get("roll-a-1")!)?.lastDeactivatedAt));

  const secondDue = await harness.invoke(7 * DAY + 19 * HOUR + 2 * MINUTE, env);
  expect(expectSuccess(secondDue.outcome).enforcement).toMatchObject({ due: 4, deactivated: 0, braked: true });
  expect(secondDue.enforcement).toContain(
    "*Enforcement brake engaged: 4 keys due*, 4 deactivated in the last 24 hours",
  );
  expect(secondDue.enforcement).toContain(
    `held until the 24-hour window allows them, at ${minuteOf(new Date(deactivatedAt.getTime() + DAY))} at the earliest`,
  );
  expect(heldLines(secondDue.enforcement)).toHaveLength(4);
  for (const [user, id] of second) expect(await harness.statusOf(user, id)).toBe("Active");

  // Once the first four have left the window, the four held keys go.
  const allowed = await harness.invoke(8 * DAY + 2 * MINUTE, env);
  expect(expectSuccess(allowed.outcome).enforcement).toMatchObject({ due: 4, deactivated: 4, braked: false });
  for (const [user, id] of second) expect(await harness.statusOf(user, id)).toBe("Inactive");
});

test("case 6: 35 due keys of 64-character user names are all named by the brake, and all recorded as named", async () => {
  const table = "brake-long-names";
  await harness.table(table);
  // IAM's longest user name: 64 characters.
  const keys = await harness.users(names(`l-${"x".repeat(58)}`, 35, 4));
  const env = harness.env(table, [...keys.keys()], { MAX_DEACTIVATIONS_PER_DAY: "5" });
  await harness.invoke(0, env);

  const braked = await harness.invoke(8 * DAY, env);
  expect(expectSuccess(braked.outcome).enforcement).toMatchObject({ due: 35, deactivated: 0, braked: true });
  const lines = heldLines(braked.enforcement);
  expect(lines).toHaveLength(35);
  for (const [user, id] of keys) {
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^• \`${user}\` · \`${masked(id)}\` · age \\d+d · due .* UTC · DEACTIVATE_AGE=120d$`),
      ),
    );
  }
  const records = await harness.records(table);
  for (const id of keys.values()) expect(records.get(id)).toHaveProperty("brakeAnnouncedAt");
});
