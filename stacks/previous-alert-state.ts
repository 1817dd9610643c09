import { Construct } from "constructs";
import type { TerraformStack } from "cdktf";

/**
 * Tells Terraform to forget the previous layout's alert-state table without destroying it (a
 * `removed` block with `destroy = false`): the new table has another key schema, which Terraform can
 * only get by replacing the table, and replacing it would lose every announcement and enforcement
 * notice (deletion protection would refuse it anyway). The function reads the old table once per
 * account to carry its items over; the table is then the operator's to delete. For a deployment that
 * never had the old table the block changes nothing.
 *
 * `constructId` is the old table construct's id in the stack (its `table` child was the resource), so
 * the address is the one cdktf gave it.
 */
export function forgetPreviousAlertStateTable(stack: TerraformStack, constructId: string): void {
  // A plain construct at the old path allocates the same logical id; it synthesizes nothing itself.
  const table = new Construct(new Construct(stack, constructId), "table");
  stack.addOverride("removed", [
    { from: `aws_dynamodb_table.${stack.getLogicalId(table.node)}`, lifecycle: { destroy: false } },
  ]);
}
