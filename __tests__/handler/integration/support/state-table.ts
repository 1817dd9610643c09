import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { MotoServer } from "../../../../scripts/lib/moto-server";
import {
  ALERT_STATE_PARTITION_KEY,
  ALERT_STATE_SORT_KEY,
  LEGACY_ALERT_STATE_HASH_KEY,
} from "../../../../handler/runtime/aws-contract";
import { motoClientConfig } from "./seed-iam";

/** Creates the state table as the stack does: partitioned by account, items sorted by kind. */
export async function createStateTable(moto: MotoServer, tableName: string): Promise<void> {
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: ALERT_STATE_PARTITION_KEY, KeyType: "HASH" },
        { AttributeName: ALERT_STATE_SORT_KEY, KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: ALERT_STATE_PARTITION_KEY, AttributeType: "S" },
        { AttributeName: ALERT_STATE_SORT_KEY, AttributeType: "S" },
      ],
    }),
  );
  dynamodb.destroy();
}

/** Creates a table of the previous layout: one hash key, every account in one key space. */
export async function createLegacyStateTable(moto: MotoServer, tableName: string): Promise<void> {
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: LEGACY_ALERT_STATE_HASH_KEY, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: LEGACY_ALERT_STATE_HASH_KEY, AttributeType: "S" }],
    }),
  );
  dynamodb.destroy();
}
