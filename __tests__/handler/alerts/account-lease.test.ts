import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { acquireAccountLease, leaseDurationMs, LEASE_SKEW_MS } from "../../../handler/alerts/account-lease";
import { AlertStateError } from "../../../handler/alerts/alert-state-store";

const documentMock = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
const ACCOUNT = "111122223333";
const NOW = Date.UTC(2025, 5, 1, 12);
const held = () =>
  Object.assign(new Error("The conditional request failed"), {
    name: "ConditionalCheckFailedException",
    Item: { holder: { S: "request-1 (event tick)" }, leaseUntil: { N: String(NOW + 60_000) } },
  });

beforeEach(() => documentMock.reset());

it("lasts the invocation's time left, plus the skew", () => {
  expect(leaseDurationMs(30_000)).toBe(30_000 + LEASE_SKEW_MS);
  expect(leaseDurationMs(undefined)).toBe(15 * 60_000 + LEASE_SKEW_MS);
});

it("takes the lease with a conditional put and gives it back with a conditional delete", async () => {
  documentMock.on(PutCommand).resolves({}).on(DeleteCommand).resolves({});
  const lease = await acquireAccountLease({
    client,
    tableName: "state",
    accountId: ACCOUNT,
    holder: "request-2",
    durationMs: 90_000,
    now: () => NOW,
  });
  expect(lease.acquired).toBe(true);
  expect(documentMock.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
    Item: { accountId: ACCOUNT, itemKey: "lease", holder: "request-2", leaseUntil: NOW + 90_000 },
    ConditionExpression: "attribute_not_exists(#sort) OR leaseUntil < :now",
    ExpressionAttributeValues: { ":now": NOW },
  });
  if (lease.acquired) await lease.release();
  expect(documentMock.commandCalls(DeleteCommand)[0].args[0].input).toMatchObject({
    Key: { accountId: ACCOUNT, itemKey: "lease" },
    ConditionExpression: "holder = :holder",
    ExpressionAttributeValues: { ":holder": "request-2" },
  });
});

it("tells who holds it when another run does", async () => {
  documentMock.on(PutCommand).rejects(held());
  const lease = await acquireAccountLease({
    client,
    tableName: "state",
    accountId: ACCOUNT,
    holder: "request-2",
    durationMs: 1,
  });
  expect(lease).toEqual({ acquired: false, heldBy: "request-1 (event tick)", until: new Date(NOW + 60_000) });
});

it("waits for a run holding it when asked to", async () => {
  documentMock.on(PutCommand).rejectsOnce(held()).resolves({});
  const lease = await acquireAccountLease({
    client,
    tableName: "state",
    accountId: ACCOUNT,
    holder: "heartbeat",
    durationMs: 1,
    waitMs: 1_000,
    pollMs: 10,
  });
  expect(lease.acquired).toBe(true);
  expect(documentMock.commandCalls(PutCommand)).toHaveLength(2);
});

it("fails on any other error, and a lost lease is not an error when released", async () => {
  documentMock.on(PutCommand).rejects(new Error("throttled"));
  await expect(
    acquireAccountLease({ client, tableName: "state", accountId: ACCOUNT, holder: "x", durationMs: 1 }),
  ).rejects.toBeInstanceOf(AlertStateError);
  documentMock.reset();
  documentMock.on(PutCommand).resolves({}).on(DeleteCommand).rejects(held());
  const lease = await acquireAccountLease({
    client,
    tableName: "state",
    accountId: ACCOUNT,
    holder: "x",
    durationMs: 1,
  });
  if (lease.acquired) await expect(lease.release()).resolves.toBeUndefined();
});
