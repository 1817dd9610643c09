import { IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand, type AccessKeyMetadata } from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import type { KeyFinding } from "../../../handler/scan/classify";
import { deactivateKeys } from "../../../handler/enforcement/deactivate-keys";
import { DAY, NOW, keyId } from "../support/inventory-builders";

const CREATED = new Date(NOW.getTime() - 200 * DAY);
const finding = (userName: string, n: number): KeyFinding => ({
  userName,
  accessKeyId: keyId(n),
  state: "Active",
  status: "critical",
  createDate: CREATED,
  ageMs: 200 * DAY,
});
const due = (userName: string, n: number) => ({
  finding: finding(userName, n),
  date: NOW,
  setting: "DEACTIVATE_AGE=120d",
});

describe("deactivateKeys", () => {
  const mock = mockClient(IAMClient);
  afterEach(() => mock.reset());
  afterAll(() => mock.restore());

  test("sets exactly the due key inactive after re-checking it, never the user's other key", async () => {
    mock.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { AccessKeyId: keyId(1), Status: "Active", CreateDate: CREATED },
        { AccessKeyId: keyId(2), Status: "Active", CreateDate: NOW },
      ],
    });
    mock.on(UpdateAccessKeyCommand).resolves({});
    const outcomes = await deactivateKeys([due("alice", 1)], { iam: new IAMClient({}) });
    expect(outcomes).toEqual([{ accessKeyId: keyId(1), result: "deactivated" }]);
    expect(mock.commandCalls(UpdateAccessKeyCommand).map((call) => call.args[0].input)).toEqual([
      { UserName: "alice", AccessKeyId: keyId(1), Status: "Inactive" },
    ]);
  });

  test.each<[string, AccessKeyMetadata[]]>([
    ["deleted or rotated", []],
    ["deactivated since the scan", [{ AccessKeyId: keyId(1), Status: "Inactive", CreateDate: CREATED }]],
    ["creation date changed", [{ AccessKeyId: keyId(1), Status: "Active", CreateDate: NOW }]],
  ])("leaves a key alone when the re-check finds it %s", async (reason, metadata) => {
    mock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: metadata });
    const [outcome] = await deactivateKeys([due("alice", 1)], { iam: new IAMClient({}) });
    expect(outcome).toMatchObject({ result: "left-alone", reason: expect.stringContaining(reason.split(" ")[0]) });
    expect(mock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
  });

  test("never touches the root user, and reports a refused call instead of failing the others", async () => {
    mock.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [{ AccessKeyId: keyId(2), Status: "Active", CreateDate: CREATED }],
    });
    mock.on(UpdateAccessKeyCommand).rejects(Object.assign(new Error("not allowed"), { name: "AccessDenied" }));
    const outcomes = await deactivateKeys([due("<root_account>", 1), due("bob", 2)], { iam: new IAMClient({}) });
    expect(outcomes).toEqual([
      { accessKeyId: keyId(1), result: "left-alone", reason: "the root user's keys are never touched" },
      {
        accessKeyId: keyId(2),
        result: "left-alone",
        reason: "IAM refused the deactivation: AccessDenied: not allowed",
      },
    ]);
  });

  test("records the intent before the IAM call and the outcome after it, and starts no key once the time is up", async () => {
    mockBothUsers();
    const writes: string[] = [];
    let started = 0;
    const outcomes = await deactivateKeys([due("alice", 1), due("bob", 2)], {
      iam: new IAMClient({}),
      recordIntent: async (key) => void writes.push(`intent ${key.finding.userName}`),
      recordDeactivation: async (key) => void writes.push(`done ${key.finding.userName}`),
      // Time runs out after the first key was started.
      stopStarting: () => started++ > 0,
    });
    expect(writes).toEqual(["intent alice", "done alice"]);
    expect(outcomes).toEqual([
      { accessKeyId: keyId(1), result: "deactivated" },
      { accessKeyId: keyId(2), result: "left-alone", reason: expect.stringContaining("ran out of time") },
    ]);
    expect(mock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1);
  });

  test("a key whose intent cannot be recorded is not touched, and no further key is started", async () => {
    mockBothUsers();
    const outcomes = await deactivateKeys([due("alice", 1), due("bob", 2)], {
      iam: new IAMClient({}),
      recordIntent: async () => {
        throw new Error("DynamoDB is down");
      },
    });
    expect(outcomes).toEqual([
      {
        accessKeyId: keyId(1),
        result: "left-alone",
        reason: "the intent could not be recorded, so the key was not touched: Error: DynamoDB is down",
      },
      { accessKeyId: keyId(2), result: "left-alone", reason: expect.stringContaining("a state write failed") },
    ]);
    expect(mock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
  });

  test("a deactivation whose record fails is still reported (to be announced), and no further key is started", async () => {
    mockBothUsers();
    const outcomes = await deactivateKeys([due("alice", 1), due("bob", 2)], {
      iam: new IAMClient({}),
      recordIntent: async () => undefined,
      recordDeactivation: async () => {
        throw new Error("DynamoDB is down");
      },
    });
    expect(outcomes).toEqual([
      { accessKeyId: keyId(1), result: "deactivated", recordFailed: "Error: DynamoDB is down" },
      { accessKeyId: keyId(2), result: "left-alone", reason: expect.stringContaining("a state write failed") },
    ]);
    expect(mock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1);
  });

  test("withdraws the intent when IAM refuses the call", async () => {
    mockBothUsers();
    mock.on(UpdateAccessKeyCommand).rejects(Object.assign(new Error("not allowed"), { name: "AccessDenied" }));
    const withdrawn: string[] = [];
    const [outcome] = await deactivateKeys([due("alice", 1)], {
      iam: new IAMClient({}),
      recordIntent: async () => undefined,
      withdrawIntent: async (key) => void withdrawn.push(key.finding.accessKeyId),
    });
    expect(outcome).toMatchObject({ result: "left-alone", reason: expect.stringContaining("IAM refused") });
    expect(withdrawn).toEqual([keyId(1)]);
  });

  function mockBothUsers(): void {
    mock.on(ListAccessKeysCommand).callsFake((input: { UserName: string }) => ({
      AccessKeyMetadata: [
        { AccessKeyId: input.UserName === "alice" ? keyId(1) : keyId(2), Status: "Active", CreateDate: CREATED },
      ],
    }));
    mock.on(UpdateAccessKeyCommand).resolves({});
  }
});
