import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { AlertRecord } from "../../../handler/alerts/alert-transitions";
import {
  AlertStateError,
  createAlertStateStore,
  fromItem,
  tagNoteFromItem,
  tagNoteToItem,
  toItem,
  UNCHECKED_USERS_ITEM_KEY,
} from "../../../handler/alerts/alert-state-store";

const documentMock = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
const RECORD: AlertRecord = {
  accessKeyId: "AKIAALICE00000000001",
  userName: "alice",
  status: "critical",
  announcedAt: new Date("2025-06-01T12:00:00.000Z"),
  since: new Date("2025-05-30T12:00:00.000Z"),
  eventId: "event-1",
  expiresAt: new Date("2025-07-01T12:00:00.000Z"),
};

beforeEach(() => documentMock.reset());

describe("alert-state items", () => {
  it("round-trip a record, with the TTL in epoch seconds", () => {
    const item = toItem(RECORD);
    expect(item).toEqual({
      accessKeyId: "AKIAALICE00000000001",
      userName: "alice",
      status: "critical",
      announcedAt: "2025-06-01T12:00:00.000Z",
      since: "2025-05-30T12:00:00.000Z",
      eventId: "event-1",
      expiresAt: 1751371200,
    });
    expect(fromItem(item)).toEqual(RECORD);
  });

  it("round-trip the owners' direct-message state, and drop a pending marker that does not parse", () => {
    const owners = {
      emails: ["alice@example.com", "bob@example.com"],
      pending: ["bob@example.com"],
      pendingKind: "new",
    };
    expect(fromItem(toItem({ ...RECORD, owners: owners as never }))).toEqual({ ...RECORD, owners });
    expect(
      fromItem({ ...toItem(RECORD), owners: { emails: ["a@b.c"], pending: ["a@b.c"], pendingKind: "later" } }),
    ).toEqual({
      ...RECORD,
      owners: { emails: ["a@b.c"] },
    });
    expect(fromItem({ ...toItem(RECORD), owners: "alice" })).toEqual(RECORD);
  });

  it("ignores items that do not parse", () => {
    expect(fromItem({ ...toItem(RECORD), status: "resolved" })).toBeUndefined();
    expect(fromItem({ ...toItem(RECORD), announcedAt: "yesterday" })).toBeUndefined();
    expect(fromItem({ accessKeyId: "x" })).toBeUndefined();
  });
});

describe("createAlertStateStore", () => {
  it("reads every page with a consistent scan", async () => {
    documentMock
      .on(ScanCommand)
      .resolves({ Items: [toItem(RECORD), { garbage: true }], LastEvaluatedKey: { accessKeyId: "k" } })
      .on(ScanCommand, { ExclusiveStartKey: { accessKeyId: "k" } })
      .resolves({ Items: [toItem({ ...RECORD, accessKeyId: "AKIABOB0000000000001" })] });
    const records = await createAlertStateStore({ client, tableName: "state" }).load();
    expect(records.map((r) => r.accessKeyId)).toEqual(["AKIAALICE00000000001", "AKIABOB0000000000001"]);
    expect(documentMock.commandCalls(ScanCommand)[0].args[0].input).toMatchObject({
      TableName: "state",
      ConsistentRead: true,
    });
  });

  it("puts and deletes items", async () => {
    documentMock.on(PutCommand).resolves({}).on(DeleteCommand).resolves({});
    await createAlertStateStore({ client, tableName: "state" }).apply([
      { type: "put", record: RECORD },
      { type: "delete", accessKeyId: "AKIAGONE000000000001" },
    ]);
    expect(documentMock.commandCalls(PutCommand)[0].args[0].input).toEqual({
      TableName: "state",
      Item: toItem(RECORD),
    });
    expect(documentMock.commandCalls(DeleteCommand)[0].args[0].input).toEqual({
      TableName: "state",
      Key: { accessKeyId: "AKIAGONE000000000001" },
    });
  });

  it("fails with the table's name when DynamoDB refuses", async () => {
    documentMock.on(ScanCommand).rejects(Object.assign(new Error("not authorized"), { name: "AccessDeniedException" }));
    const load = createAlertStateStore({ client, tableName: "state" }).load();
    await expect(load).rejects.toBeInstanceOf(AlertStateError);
    await expect(load).rejects.toThrow(
      "Could not read the alert state from DynamoDB table state: AccessDeniedException: not authorized",
    );
  });
});

describe("the unchecked users of the last run", () => {
  const NOW = new Date("2025-06-01T12:00:00.000Z");

  it("are kept in one item beside the records, which load() ignores", async () => {
    documentMock.on(PutCommand).resolves({});
    await createAlertStateStore({ client, tableName: "state" }).saveUncheckedUsers(["bob", "alice"], NOW);
    const item = documentMock.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(item).toEqual({
      accessKeyId: UNCHECKED_USERS_ITEM_KEY,
      users: ["bob", "alice"],
      recordedAt: "2025-06-01T12:00:00.000Z",
      expiresAt: Math.floor(NOW.getTime() / 1000) + 7 * 86_400,
    });
    expect(fromItem(item)).toBeUndefined();
  });

  it("are read back with a filtered scan, and none is an empty list", async () => {
    documentMock
      .on(ScanCommand)
      .resolves({ Items: [{ accessKeyId: UNCHECKED_USERS_ITEM_KEY, users: ["bob", "alice", 3] }] });
    const store = createAlertStateStore({ client, tableName: "state" });
    await expect(store.loadUncheckedUsers()).resolves.toEqual(["bob", "alice"]);
    expect(documentMock.commandCalls(ScanCommand)[0]?.args[0].input).toMatchObject({
      TableName: "state",
      ConsistentRead: true,
      ExpressionAttributeValues: { ":key": UNCHECKED_USERS_ITEM_KEY },
    });
    documentMock.on(ScanCommand).resolves({ Items: [] });
    await expect(store.loadUncheckedUsers()).resolves.toEqual([]);
  });

  it("are cleared by deleting the item once a run checked everyone", async () => {
    documentMock.on(DeleteCommand).resolves({});
    await createAlertStateStore({ client, tableName: "state" }).saveUncheckedUsers([], NOW);
    expect(documentMock.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: "state",
      Key: { accessKeyId: UNCHECKED_USERS_ITEM_KEY },
    });
  });

  it("fail with the table's name when DynamoDB refuses", async () => {
    documentMock.on(ScanCommand).rejects(new Error("AccessDenied"));
    await expect(createAlertStateStore({ client, tableName: "state" }).loadUncheckedUsers()).rejects.toThrow(
      AlertStateError,
    );
  });
});

describe("tag-problem notes in the alert-state table", () => {
  const note = {
    userName: "svc",
    problems: 'tag key-age:critical-age="30 d" is ignored',
    announcedAt: new Date("2025-06-01T12:00:00.000Z"),
    expiresAt: new Date("2025-08-30T12:00:00.000Z"),
  };

  it("round-trips under its own hash key, and is never read as a key record (nor a key record as a note)", () => {
    const item = tagNoteToItem(note);
    expect(item).toMatchObject({ accessKeyId: "tag-problems#svc", kind: "tag-problems", expiresAt: 1756555200 });
    expect(tagNoteFromItem(item)).toEqual(note);
    expect(fromItem(item)).toBeUndefined();
    const record = {
      accessKeyId: "AKIA0000000000000001",
      userName: "svc",
      status: "critical" as const,
      announcedAt: note.announcedAt,
      since: note.announcedAt,
      expiresAt: note.expiresAt,
    };
    expect(tagNoteFromItem(toItem(record))).toBeUndefined();
  });

  it("loads notes and writes them with PutItem and DeleteItem", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.on(ScanCommand).resolves({ Items: [tagNoteToItem(note), { accessKeyId: "AKIA1", status: "critical" }] });
    mock.on(PutCommand).resolves({});
    mock.on(DeleteCommand).resolves({});
    try {
      const store = createAlertStateStore({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
        tableName: "t",
      });
      await expect(store.loadTagNotes()).resolves.toEqual([note]);
      await store.applyTagNotes([
        { type: "put", note },
        { type: "delete", userName: "old" },
      ]);
      expect(mock.commandCalls(PutCommand)[0].args[0].input.Item).toEqual(tagNoteToItem(note));
      expect(mock.commandCalls(DeleteCommand)[0].args[0].input.Key).toEqual({ accessKeyId: "tag-problems#old" });
    } finally {
      mock.restore();
    }
  });
});
