import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import {
  ALERT_STATE_PARTITION_KEY,
  ALERT_STATE_SORT_KEY,
  ALERT_STATE_TTL_ATTRIBUTE,
} from "../../handler/runtime/aws-contract";

/** Props of {@link AlertStateTable}. */
export interface AlertStateTableProps {
  /** Name of the table. */
  readonly tableName: string;
  /** Point-in-time recovery, to undo a bad deploy that garbles the state. @default true */
  readonly pointInTimeRecovery?: boolean;
  /** DynamoDB deletion protection: the table cannot be deleted until it is switched off. @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The alert state of one environment: what the key-age function last announced per access key, and
 * what else it remembers per account. Partitioned by account (`accountId`), items sorted by kind
 * (`itemKey`, see handler/alerts/state-keys.ts), so one account's run reads its own items with one
 * Query. On demand, encrypted, with point-in-time recovery and a TTL that drops the records of keys
 * long gone.
 */
export class AlertStateTable extends Construct {
  /** The DynamoDB table. */
  public readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: AlertStateTableProps) {
    super(scope, id);
    // The layout is the handler's contract (handler/runtime/aws-contract.ts), not a choice of the caller.
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: ALERT_STATE_PARTITION_KEY,
      rangeKey: ALERT_STATE_SORT_KEY,
      attribute: [
        { name: ALERT_STATE_PARTITION_KEY, type: "S" },
        { name: ALERT_STATE_SORT_KEY, type: "S" },
      ],
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
      serverSideEncryption: { enabled: true },
      ttl: { attributeName: ALERT_STATE_TTL_ATTRIBUTE, enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? true,
    });
  }
}
