import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { OWNER_CACHE_DYNAMODB_ACTIONS } from "../../../../handler/runtime/aws-contract";
import { foundOwner, freshOwners, ownerNotFound } from "../../../../handler/slack/owners/owner-cache";
import {
  createDynamoOwnerCacheStore,
  createMemoryOwnerCacheStore,
  ownerCacheFromItem,
  ownerCacheToItem,
} from "../../../../handler/slack/owners/owner-cache-store";
import { fromItem, tagNoteFromItem } from "../../../../handler/alerts/alert-state-store";
import { enforcementFromItem } from "../../../../handler/enforcement/enforcement-state-store";

const NOW = new Date("2026-12-05T12:00:00Z");
const DAY = 86_400_000;

describe("owner cache items", () => {
  it("round-trips found and not-found entries, and no other reader of the table takes them", () => {
    for (const entry of [
      foundOwner("alice@example.com", "U0ALICE", NOW, 7 * DAY),
      ownerNotFound("ghost@example.com", NOW, 7 * DAY),
    ]) {
      const item = ownerCacheToItem(entry);
      expect(ownerCacheFromItem(item)).toEqual({
        ...entry,
        expiresAt: new Date(Math.floor(entry.expiresAt.getTime() / 1000) * 1000),
      });
      expect(fromItem(item)).toBeUndefined();
      expect(tagNoteFromItem(item)).toBeUndefined();
      expect(enforcementFromItem(item)).toBeUndefined();
    }
    expect(ownerCacheToItem(foundOwner("a@b.example", "U0A", NOW, DAY))).toMatchObject({
      accountId: "#slack-owners",
      itemKey: "slack-owner#a@b.example",
    });
  });

  it("believes 'not found' for a day at most, and drops stale entries", () => {
    expect(ownerNotFound("g@example.com", NOW, 30 * DAY).expiresAt).toEqual(new Date(NOW.getTime() + DAY));
    const entries = new Map([["a", foundOwner("a", "U0A", new Date(NOW.getTime() - 8 * DAY), 7 * DAY)]]);
    expect(freshOwners(entries, NOW).size).toBe(0);
  });
});

describe("createDynamoOwnerCacheStore", () => {
  it("reads by key in batches of 100 and writes with Put and Delete: exactly its declared actions", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.on(BatchGetCommand).resolves({
      Responses: { table: [ownerCacheToItem(foundOwner("u1@example.com", "U0U1", NOW, DAY))] },
    });
    mock.on(PutCommand).resolves({});
    mock.on(DeleteCommand).resolves({});
    try {
      const store = createDynamoOwnerCacheStore({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
        tableName: "table",
      });
      const emails = Array.from({ length: 150 }, (_, i) => `u${i}@example.com`);
      const found = await store.get(emails);
      expect([...found.keys()]).toEqual(["u1@example.com"]);
      expect(
        mock.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.table?.Keys?.length),
      ).toEqual([100, 50]);
      await store.put([ownerNotFound("x@example.com", NOW, DAY)]);
      await store.forget(["y@example.com"]);
      const actions: Record<string, string> = {
        BatchGetCommand: "dynamodb:BatchGetItem",
        PutCommand: "dynamodb:PutItem",
        DeleteCommand: "dynamodb:DeleteItem",
      };
      const sent = new Set(mock.calls().map((call) => actions[(call.args[0] as object).constructor.name] ?? "unknown"));
      expect([...sent].sort()).toEqual([...OWNER_CACHE_DYNAMODB_ACTIONS].sort());
    } finally {
      mock.restore();
    }
  });
});

describe("createMemoryOwnerCacheStore", () => {
  it("remembers and forgets in the container", async () => {
    const store = createMemoryOwnerCacheStore();
    await store.put([foundOwner("a@example.com", "U0A", NOW, DAY)]);
    expect((await store.get(["a@example.com", "b@example.com"])).size).toBe(1);
    await store.forget(["a@example.com"]);
    expect((await store.get(["a@example.com"])).size).toBe(0);
  });
});
