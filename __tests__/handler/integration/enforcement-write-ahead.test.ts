import { expectSuccess } from "../../../scripts/lib/invoke-bundle";
import { dynamoDbError } from "../../../scripts/lib/moto-proxy";
import { DAY, EnforcementHarness, MINUTE, masked } from "./support/enforcement-harness";

// The case 3 through the bundle on moto: DynamoDB refuses a state write around a
// deactivation. Keys of `w-` users are 118 days old (DEACTIVATE_AGE=120d).
jest.setTimeout(180_000);

let harness: EnforcementHarness;

beforeAll(async () => {
  harness = await EnforcementHarness.start({ "w-": 118 * 24 * 60 });
});

afterAll(async () => {
  await harness?.close();
});

/** Refuses the first DynamoDB PutItem whose item carries every `fragments`. */
function refuseWrite(...fragments: string[]): void {
  harness.proxy.add({
    matches: (request) =>
      request.action === "PutItem" && fragments.every((fragment) => request.body.toString().includes(fragment)),
    times: 1,
    answer: () => dynamoDbError("AccessDeniedException", "not authorized to perform dynamodb:PutItem"),
  });
}

test("case 3: write ahead; a deactivation is announced even when its record fails; then nothing further; a person wins", async () => {
  const table = "write-ahead";
  await harness.table(table);
  const keys = await harness.users(["w-1", "w-2"]);
  const id = (user: string) => keys.get(user)!;
  const env = harness.env(table, ["w-1", "w-2"]);
  await harness.invoke(0, env);

  // The intent cannot be written: the key is not touched, and no other key is started.
  refuseWrite('"intentAt"');
  const noIntent = await harness.invoke(8 * DAY, env);
  expect(harness.proxy.pending()).toBe(0);
  expect(expectSuccess(noIntent.outcome).enforcement).toMatchObject({ due: 2, deactivated: 0, leftAlone: 2 });
  expect(noIntent.enforcement).toContain(
    "*Left alone* · `w-1` · `" + masked(id("w-1")) + "` · the intent could not be recorded, so the key was not touched",
  );
  expect(noIntent.enforcement).toContain(
    "*Left alone* · `w-2` · `" + masked(id("w-2")) + "` · not started: a state write failed earlier in this run",
  );
  for (const user of keys.keys()) expect(await harness.statusOf(user, id(user))).toBe("Active");

  // The record after UpdateAccessKey cannot be written: announced all the same, with the restore command and an audit line.
  refuseWrite('"deactivatedAt"', '"deactivationAnnounced":{"BOOL":false}');
  const unrecorded = await harness.invoke(8 * DAY + 10 * MINUTE, env);
  expect(harness.proxy.pending()).toBe(0);
  expect(expectSuccess(unrecorded.outcome).enforcement).toMatchObject({ deactivated: 1, unrecorded: 1, leftAlone: 1 });
  expect(await harness.statusOf("w-1", id("w-1"))).toBe("Inactive");
  expect(await harness.statusOf("w-2", id("w-2"))).toBe("Active");
  expect(unrecorded.enforcement).toContain(`*Deactivated* · \`w-1\` · \`${masked(id("w-1"))}\``);
  expect(unrecorded.enforcement).toContain("To restore it: `aws iam update-access-key --user-name w-1 --status Active");
  expect(unrecorded.enforcement).toMatch(
    /:warning: the monitor could not record this deactivation \(.*AccessDeniedException.*\); it started no further deactivation in this run/,
  );
  expect(unrecorded.enforcement).toContain("*Left alone* · `w-2` · `" + masked(id("w-2")) + "` · not started");
  const audit = unrecorded.logLines.filter((line) => line.message === "access key deactivated");
  expect(audit).toEqual([
    expect.objectContaining({ userName: "w-1", restoreCommand: expect.stringContaining("--status Active") }),
  ]);
  expect(unrecorded.logLines).toContainEqual(
    expect.objectContaining({
      level: "error",
      message: expect.stringContaining("could not record an access key's deactivation"),
    }),
  );
  // The announcement's own record went through: the key is known as the monitor's doing.
  expect((await harness.records(table)).get(id("w-1"))).toMatchObject({ deactivationAnnounced: true });

  // A person switches w-1 back on: a fresh notice period, announced; w-2, still due, goes now.
  await harness.setStatus("w-1", id("w-1"), "Active");
  const next = await harness.invoke(8 * DAY + 20 * MINUTE, env);
  expect(expectSuccess(next.outcome).enforcement).toMatchObject({ deactivated: 1 });
  expect(next.enforcement).toMatch(
    /\*Reactivated by a person\* · `w-1` · .* deactivated by the monitor .* · new date .*: not deactivated again before it/,
  );
  expect(next.enforcement).toContain(`*Deactivated* · \`w-2\` · \`${masked(id("w-2"))}\``);
  expect(await harness.statusOf("w-1", id("w-1"))).toBe("Active");
  expect(await harness.statusOf("w-2", id("w-2"))).toBe("Inactive");
});
