import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";

/** Props of {@link AlertStateTable}. */
export interface AlertStateTableProps {
  /** Name of the table. */
  readonly tableName: string;
  /** The string hash key: one item per access key. @default "accessKeyId" */
  readonly hashKey?: string;
  /** Attribute with the epoch-seconds expiry that DynamoDB's TTL deletes on. @default "expiresAt" */
  readonly ttlAttribute?: string;
  /** Point-in-time recovery, to undo a bad deploy that garbles the state. @default true */
  readonly pointInTimeRecovery?: boolean;
  /** Tags applied to the table. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The alert state of one environment: what the key-age function last announced per access key.
 * On demand (a few reads and writes per run), encrypted, with point-in-time recovery and a TTL
 * that drops the records of keys long gone.
 */
export class AlertStateTable extends Construct {
  /** The DynamoDB table. */
  public readonly table: DynamodbTable;
  /** The table's name, for the function's environment. */
  public readonly tableName: string;
  /** The table's ARN, for the function's policy. */
  public readonly tableArn: string;

  constructor(scope: Construct, id: string, props: AlertStateTableProps) {
    super(scope, id);
    const hashKey = props.hashKey ?? "accessKeyId";
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey,
      attribute: [{ name: hashKey, type: "S" }],
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
      serverSideEncryption: { enabled: true },
      ttl: { attributeName: props.ttlAttribute ?? "expiresAt", enabled: true },
      tags: { ...props.tags },
    });
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
  }
}
