import { Testing } from "cdktf";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { StateBackend } from "../../../modules/state-backend/state-backend";

const json = Testing.synthScope((scope) => {
  new StateBackend(scope, "state", { bucketName: "my-tfstate", lockTableName: "my-tflock" });
});
const parsed = JSON.parse(json);

describe("StateBackend", () => {
  test("the bucket keeps versions, refuses Terraform's destroy and is never force-destroyed", () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "my-tfstate", lifecycle: { prevent_destroy: true } });
    const bucket = Object.values(parsed.resource.aws_s3_bucket)[0] as Record<string, unknown>;
    expect(bucket.force_destroy).toBeUndefined();
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
  });

  test("replaced state versions expire after 90 days by default, or the configured time", () => {
    const rule = (days?: number) => {
      const synthesized = JSON.parse(
        Testing.synthScope((scope) => {
          new StateBackend(scope, "state", {
            bucketName: "b-tfstate",
            lockTableName: "t",
            noncurrentVersionExpirationDays: days,
          });
        }),
      );
      return (Object.values(synthesized.resource.aws_s3_bucket_lifecycle_configuration)[0] as { rule: object[] })
        .rule[0];
    };
    expect(rule()).toMatchObject({
      status: "Enabled",
      filter: [{ prefix: "" }],
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
    expect(rule(30)).toMatchObject({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] });
  });

  test("the bucket is encrypted at rest", () => {
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }],
    });
  });

  test("all four public-access blocks are on and ACLs are disabled", () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  test("the bucket policy denies every request without TLS", () => {
    const documents = Object.values(parsed.data.aws_iam_policy_document) as { statement: Record<string, unknown>[] }[];
    const deny = documents.flatMap((d) => d.statement).find((s) => s.effect === "Deny");
    expect(deny).toMatchObject({
      actions: ["s3:*"],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      principals: [{ type: "*", identifiers: ["*"] }],
    });
    expect(deny?.resources).toHaveLength(2);
    expect(Object.keys(parsed.resource.aws_s3_bucket_policy)).toHaveLength(1);
  });

  test("the lock table is keyed by LockID, on demand, recoverable and encrypted", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: "my-tflock",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
    });
  });
});
