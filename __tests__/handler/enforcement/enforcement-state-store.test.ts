import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import {
  createEnforcementStateStore,
  enforcementFromItem,
  enforcementToItem,
  stretchFromItem,
  stretchToItem,
} from "../../../handler/enforcement/enforcement-state-store";
import type { EnforcementRecord } from "../../../handler/enforcement/enforcement-record";
import { DAY, NOW, ago, keyId } from "../support/inventory-builders";

const RECORD: EnforcementRecord = {
  accessKeyId: keyId(1),
  userName: "alice",
  noticeAt: ago(8 * DAY),
  noticeMode: "armed",
  deactivateOn: ago(DAY),
  noticeAgeMs: 120 * DAY,
  noticePeriodMs: 7 * DAY,
  lapseReason: "the key was exempt",
  intentAt: ago(60_000),
  lastDeactivatedAt: ago(2 * DAY),
  inactiveSeenAt: ago(3 * DAY),
  reactivatedAt: ago(DAY / 2),
  reactivations: 1,
  expiresAt: new Date(Math.floor(NOW.getTime() / 1000) * 1000 + 400 * DAY),
};

describe("the enforcement state's items", () => {
  test("a record survives the round trip through its item, every field included", () => {
    expect(enforcementFromItem(enforcementToItem(RECORD))).toEqual(RECORD);
  });

  test("the stretch has its own item, which no record parse mistakes for a key", () => {
    const stretch = { mode: "armed" as const, since: ago(DAY), lastRunAt: NOW };
    const item = stretchToItem(stretch);
    expect(item.accessKeyId).toBe("enforcement#~stretch");
    expect(stretchFromItem(item)).toEqual(stretch);
    expect(stretchFromItem({ ...item, mode: "armed " })).toBeUndefined();
    expect(enforcementFromItem(item)).toBeUndefined();
  });
});

describe("createEnforcementStateStore", () => {
  const mock = mockClient(DynamoDBDocumentClient);
  afterEach(() => mock.reset());
  afterAll(() => mock.restore());
  const store = () =>
    createEnforcementStateStore({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
      tableName: "table",
    });

  test("loads the records and the stretch in one read", async () => {
    const stretch = { mode: "dry-run" as const, since: ago(DAY), lastRunAt: NOW };
    mock.on(ScanCommand).resolves({ Items: [enforcementToItem(RECORD), stretchToItem(stretch)] });
    expect(await store().load()).toEqual({ records: [RECORD], stretch });
    expect(mock.commandCalls(ScanCommand)).toHaveLength(1);
  });

  test("marks enforcement off only where a stretch exists and is not off already", async () => {
    mock
      .on(PutCommand)
      .rejects(Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" }));
    await expect(store().markOff(NOW)).resolves.toBeUndefined();
    const [call] = mock.commandCalls(PutCommand);
    expect(call.args[0].input).toMatchObject({
      Item: { accessKeyId: "enforcement#~stretch", mode: "off" },
      ConditionExpression: "attribute_exists(#key) AND #mode <> :off",
    });
  });

  test("a failed write names the table; only the off mark tolerates a failed condition", async () => {
    mock
      .on(PutCommand)
      .rejects(Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" }));
    await expect(store().put([RECORD])).rejects.toThrow(
      "Could not write the enforcement state to DynamoDB table table",
    );
  });
});
