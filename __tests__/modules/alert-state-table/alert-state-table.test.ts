import { Testing } from "cdktf";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { AlertStateTable, AlertStateTableProps } from "../../../modules/alert-state-table/alert-state-table";
import {
  ALERT_STATE_PARTITION_KEY,
  ALERT_STATE_SORT_KEY,
  ALERT_STATE_TTL_ATTRIBUTE,
} from "../../../handler/runtime/aws-contract";

function synth(props: Partial<AlertStateTableProps> = {}): string {
  return Testing.synthScope((scope) => {
    new AlertStateTable(scope, "alert-state", { tableName: "key-age-alert-state", ...props });
  });
}

describe("AlertStateTable", () => {
  test("is on demand, encrypted, recoverable, and expires records through a TTL", () => {
    expect(synth()).toHaveResourceWithProperties(DynamodbTable, {
      name: "key-age-alert-state",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "accountId",
      range_key: "itemKey",
      attribute: [
        { name: "accountId", type: "S" },
        { name: "itemKey", type: "S" },
      ],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      ttl: { attribute_name: "expiresAt", enabled: true },
    });
  });

  test("uses the keys and TTL attribute the handler's store writes: partitioned by account", () => {
    expect(ALERT_STATE_PARTITION_KEY).toBe("accountId");
    expect(ALERT_STATE_SORT_KEY).toBe("itemKey");
    expect(ALERT_STATE_TTL_ATTRIBUTE).toBe("expiresAt");
  });

  test("is protected from deletion unless that is switched off", () => {
    expect(synth()).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: true });
    expect(synth({ deletionProtection: false })).toHaveResourceWithProperties(DynamodbTable, {
      deletion_protection_enabled: false,
    });
  });

  test("point-in-time recovery can be switched off", () => {
    expect(synth({ pointInTimeRecovery: false })).toHaveResourceWithProperties(DynamodbTable, {
      point_in_time_recovery: { enabled: false },
    });
  });
});
