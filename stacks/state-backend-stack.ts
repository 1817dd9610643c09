import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { StateBackend } from "../modules/state-backend/state-backend";
import { StateBackendSettings } from "./environment-config";
import { remoteStateBackend } from "./remote-state";

/** Name of the bootstrap stack. */
export const STATE_BACKEND_STACK = "state-backend";

/**
 * The local state file the bootstrap's first apply writes, in the stack directory, before the bucket
 * exists to hold it (earlier versions of this stack kept their state there for good).
 */
export const BOOTSTRAP_LOCAL_STATE_FILE = `terraform.${STATE_BACKEND_STACK}.tfstate`;

/**
 * The bootstrap stack: creates the state bucket and lock table that every stack uses, and keeps its
 * own state in that bucket too, under its own key, locked by the same table. Its very first apply
 * cannot (the bucket does not exist yet): `npm run bootstrap` (scripts/bootstrap.ts) applies it once
 * with local state, then moves that state into the bucket.
 */
export class StateBackendStack extends TerraformStack {
  /** The bucket and the lock table. */
  public readonly backend: StateBackend;

  constructor(scope: Construct, settings: StateBackendSettings) {
    super(scope, STATE_BACKEND_STACK);
    remoteStateBackend(this, settings);
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
      noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
      lockTableDeletionProtection: settings.deletionProtection,
    });
    new TerraformOutput(this, "bucket", { value: this.backend.bucket.bucket });
    new TerraformOutput(this, "lock_table", { value: this.backend.lockTable.name });
  }
}
