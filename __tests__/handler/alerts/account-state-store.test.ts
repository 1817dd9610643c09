import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { accountPartition, createAccountStateStore } from "../../../handler/alerts/account-state-store";
import { AlertStateError } from "../../../handler/alerts/alert-state-store";

const documentMock = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
const ACCOUNT = "111122223333";
const NOW = new Date("2025-06-01T12:00:00.000Z");

beforeEach(() => documentMock.reset());

describe("createAccountStateStore", () => {
  it("reads one partition, every page, with a consistent Query of its key", async () => {
    documentMock
      .on(QueryCommand)
      .resolves({
        Items: [{ accountId: ACCOUNT, itemKey: "key#A" }],
        LastEvaluatedKey: { accountId: ACCOUNT, itemKey: "key#A" },
      })
      .on(QueryCommand, { ExclusiveStartKey: { accountId: ACCOUNT, itemKey: "key#A" } })
      .resolves({ Items: [{ accountId: ACCOUNT, itemKey: "tag-problems#u" }] });
    const items = await createAccountStateStore({ client, tableName: "state" }).read(ACCOUNT);
    expect(items.map((item) => item.itemKey)).toEqual(["key#A", "tag-problems#u"]);
    expect(documentMock.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      TableName: "state",
      ConsistentRead: true,
      KeyConditionExpression: "#partition = :partition",
      ExpressionAttributeNames: { "#partition": "accountId" },
      ExpressionAttributeValues: { ":partition": ACCOUNT },
    });
    expect(documentMock.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it("puts items with the partition key and deletes them by partition and sort key", async () => {
    documentMock.on(PutCommand).resolves({}).on(DeleteCommand).resolves({});
    await createAccountStateStore({ client, tableName: "state" }).write(ACCOUNT, [
      { type: "put", item: { itemKey: "key#A", status: "critical" } },
      { type: "delete", itemKey: "key#B" },
    ]);
    expect(documentMock.commandCalls(PutCommand)[0].args[0].input).toEqual({
      TableName: "state",
      Item: { itemKey: "key#A", status: "critical", accountId: ACCOUNT },
    });
    expect(documentMock.commandCalls(DeleteCommand)[0].args[0].input).toEqual({
      TableName: "state",
      Key: { accountId: ACCOUNT, itemKey: "key#B" },
    });
  });

  it("fails with the table's name when DynamoDB refuses", async () => {
    documentMock
      .on(QueryCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "AccessDeniedException" }));
    const read = createAccountStateStore({ client, tableName: "state" }).read(ACCOUNT);
    await expect(read).rejects.toBeInstanceOf(AlertStateError);
    await expect(read).rejects.toThrow(
      "Could not read the alert state from DynamoDB table state: AccessDeniedException: not authorized",
    );
  });
});

describe("carrying the previous layout's items over", () => {
  const legacyRecord = {
    accessKeyId: "AKIAALICE00000000001",
    userName: "alice",
    status: "critical",
    announcedAt: "2025-06-01T12:00:00.000Z",
    since: "2025-06-01T12:00:00.000Z",
    expiresAt: 1751371200,
  };

  it("on the first read of a partition: one Scan of the old table, its items and the marker written", async () => {
    documentMock
      .on(QueryCommand)
      .resolves({ Items: [{ accountId: ACCOUNT, itemKey: "key#AKIANEWER0000000001", status: "warning" }] })
      .on(ScanCommand)
      .resolves({ Items: [legacyRecord, { ...legacyRecord, accessKeyId: "AKIANEWER0000000001" }] })
      .on(PutCommand)
      .resolves({});
    const store = createAccountStateStore({
      client,
      tableName: "state",
      legacy: { tableName: "old", singleAccount: true },
      now: () => NOW,
    });
    const items = await store.read(ACCOUNT);
    expect(documentMock.commandCalls(ScanCommand)[0].args[0].input).toEqual({ TableName: "old", ConsistentRead: true });
    // The partition's own item is newer than the old table's: it stays as it is.
    const written = documentMock.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    expect(written).toEqual(
      [
        { ...legacyRecord, accessKeyId: undefined, itemKey: "key#AKIAALICE00000000001", accountId: ACCOUNT },
        { itemKey: "migrated", from: "old", items: 1, migratedAt: NOW.toISOString(), accountId: ACCOUNT },
      ].map((item) => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined))),
    );
    expect(items.map((item) => item.itemKey)).toEqual([
      "key#AKIANEWER0000000001",
      "key#AKIAALICE00000000001",
      "migrated",
    ]);
  });

  it("filters an organization's old table to the account's items", async () => {
    documentMock
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(ScanCommand)
      .resolves({ Items: [] })
      .on(PutCommand)
      .resolves({});
    await createAccountStateStore({
      client,
      tableName: "state",
      legacy: { tableName: "old", singleAccount: false },
    }).read(ACCOUNT);
    expect(documentMock.commandCalls(ScanCommand)[0].args[0].input).toMatchObject({
      FilterExpression: "#account = :account OR #key = :scanKey",
      ExpressionAttributeValues: { ":account": ACCOUNT, ":scanKey": `account#${ACCOUNT}` },
    });
  });

  it("never again once the partition has its marker", async () => {
    documentMock.on(QueryCommand).resolves({ Items: [{ accountId: ACCOUNT, itemKey: "migrated" }] });
    await createAccountStateStore({
      client,
      tableName: "state",
      legacy: { tableName: "old", singleAccount: true },
    }).read(ACCOUNT);
    expect(documentMock.commandCalls(ScanCommand)).toHaveLength(0);
    expect(documentMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("takes an old table that does not exist for an empty one", async () => {
    documentMock
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(ScanCommand)
      .rejects(Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" }))
      .on(PutCommand)
      .resolves({});
    const store = createAccountStateStore({
      client,
      tableName: "state",
      legacy: { tableName: "old", singleAccount: true },
    });
    await expect(store.read(ACCOUNT)).resolves.toEqual([expect.objectContaining({ itemKey: "migrated", items: 0 })]);
  });
});

describe("accountPartition", () => {
  it("reads the partition once however often the run asks", async () => {
    documentMock.on(QueryCommand).resolves({ Items: [] });
    const partition = accountPartition(createAccountStateStore({ client, tableName: "state" }), ACCOUNT);
    await Promise.all([partition.items(), partition.items()]);
    await partition.items();
    expect(documentMock.commandCalls(QueryCommand)).toHaveLength(1);
  });
});
