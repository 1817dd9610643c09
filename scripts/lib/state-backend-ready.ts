import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { EmulatorClientConfig } from "./seed-organization";

/** Options of {@link waitForStateBackend}. */
export interface StateBackendReadyOptions {
  /** The state bucket. */
  readonly bucket: string;
  /** The lock table. */
  readonly lockTable: string;
  /** The bootstrap that creates them: when it fails first, the wait fails with its error. */
  readonly bootstrap: Promise<unknown>;
  /** Give up after this long. @default 300_000 */
  readonly timeoutMs?: number;
  /** Between two looks. @default 500 */
  readonly pollMs?: number;
}

/**
 * Resolves as soon as the state bucket exists and the lock table is ACTIVE: what a stack's S3 backend
 * and its DynamoDB lock need. The bootstrap creates both within seconds and then spends most of its
 * time in the AWS provider's fixed wait after the bucket's lifecycle configuration and in moving its
 * own state, so a monitor stack can be applied alongside instead of after it.
 */
export async function waitForStateBackend(aws: EmulatorClientConfig, options: StateBackendReadyOptions): Promise<void> {
  let failure: { error: unknown } | undefined;
  let settled = false;
  options.bootstrap.then(
    () => {
      settled = true;
    },
    (error: unknown) => {
      failure = { error };
    },
  );
  const s3 = new S3Client({ ...aws, forcePathStyle: true, maxAttempts: 1 });
  const dynamodb = new DynamoDBClient({ ...aws, maxAttempts: 1 });
  const timeoutMs = options.timeoutMs ?? 300_000;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (failure) throw failure.error;
      if (await exists(s3, dynamodb, options)) return;
      if (settled) {
        throw new Error(`the bootstrap finished, but ${options.bucket} or ${options.lockTable} is not there`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${options.bucket} and ${options.lockTable} did not appear within ${timeoutMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
  } finally {
    s3.destroy();
    dynamodb.destroy();
  }
}

async function exists(s3: S3Client, dynamodb: DynamoDBClient, options: StateBackendReadyOptions): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: options.bucket }));
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: options.lockTable }));
    return Table?.TableStatus === "ACTIVE";
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "NotFound" || name === "NoSuchBucket" || name === "ResourceNotFoundException") return false;
    throw error;
  }
}
