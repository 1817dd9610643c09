import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { StateBackend } from "../modules/state-backend/state-backend";
import { StateBackendSettings } from "./environment-config";

/** Name of the bootstrap stack. */
export const STATE_BACKEND_STACK = "state-backend";

/**
 * The bootstrap stack: creates the state bucket and lock table that every monitor stack uses.
 * Its own state is local (it cannot live in the bucket it creates); keep the file it writes.
 */
export class StateBackendStack extends TerraformStack {
  /** The bucket and the lock table. */
  public readonly backend: StateBackend;

  constructor(scope: Construct, settings: StateBackendSettings) {
    super(scope, STATE_BACKEND_STACK);
    new LocalBackend(this, { path: `terraform.${STATE_BACKEND_STACK}.tfstate` });
    new AwsProvider(this, "aws", {
      region: settings.region,
      assumeRole: settings.assumeRoleArn
        ? [{ roleArn: settings.assumeRoleArn, sessionName: "key-age-bootstrap" }]
        : undefined,
      defaultTags: [{ tags: { project: "iam-key-age-monitor" } }],
    });
    this.backend = new StateBackend(this, "state", {
      bucketName: settings.bucket,
      lockTableName: settings.lockTable,
    });
    new TerraformOutput(this, "bucket", { value: this.backend.bucket.bucket });
    new TerraformOutput(this, "lock_table", { value: this.backend.lockTable.name });
  }
}
