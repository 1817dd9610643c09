import { S3Backend, TerraformStack } from "cdktf";
import { StateBackendSettings } from "./environment-config";

/** Where a stack's state lives in the shared state bucket. */
export function stateKey(stackName: string): string {
  return `${stackName}/terraform.tfstate`;
}

/** Options of {@link remoteStateBackend}. */
export interface RemoteStateOptions {
  /** Lock with an S3 lock file as well as the DynamoDB table (`use_lockfile`). @default true */
  readonly s3NativeLocking?: boolean;
}

/**
 * The S3 backend every stack uses, the bootstrap's own included: the shared bucket, one key per
 * stack, encrypted, locked by the shared DynamoDB table (and an S3 lock file).
 */
export function remoteStateBackend(
  stack: TerraformStack,
  stateBackend: StateBackendSettings,
  options: RemoteStateOptions = {},
): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: stateBackend.bucket,
    key: stateKey(stack.node.id),
    region: stateBackend.region,
    dynamodbTable: stateBackend.lockTable,
    encrypt: true,
  });
  // cdktf 0.21 predates Terraform's S3-native locking, so the setting goes in as an override.
  if (options.s3NativeLocking ?? true) backend.addOverride("use_lockfile", true);
  return backend;
}
