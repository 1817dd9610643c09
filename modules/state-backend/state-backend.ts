import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";

/** Props of {@link StateBackend}. */
export interface StateBackendProps {
  /** Name of the S3 bucket that holds Terraform state (globally unique). */
  readonly bucketName: string;
  /** Name of the DynamoDB table that holds Terraform state locks. */
  readonly lockTableName: string;
  /**
   * Days a replaced or deleted state version is kept before it expires, so versioning does not grow
   * without bound. @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /** DynamoDB deletion protection on the lock table. @default true */
  readonly lockTableDeletionProtection?: boolean;
}

/**
 * A hardened Terraform remote-state backend: a versioned, encrypted, private S3 bucket that refuses
 * plain-HTTP requests, and a DynamoDB lock table with point-in-time recovery.
 * Nothing here can be destroyed by accident: the bucket carries Terraform's `prevent_destroy` (so a
 * plan that would delete it fails, `cdktf destroy` included) and no `force_destroy` (S3 refuses to
 * delete it while it holds state); the lock table has DynamoDB deletion protection.
 */
export class StateBackend extends Construct {
  /** The state bucket. */
  public readonly bucket: S3Bucket;
  /** The lock table. */
  public readonly lockTable: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      lifecycle: { preventDestroy: true },
    });

    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-noncurrent-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      // S3 rejects noncurrent-version rules that race the versioning change on a new bucket.
      dependsOn: [versioning],
    });

    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
    });

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    const denyInsecureTransport = new DataAwsIamPolicyDocument(this, "deny-insecure-transport", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });

    new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: denyInsecureTransport.json,
      // S3 rejects concurrent policy and public-access-block changes on one bucket.
      dependsOn: [publicAccessBlock],
    });

    this.lockTable = new DynamodbTable(this, "lock-table", {
      name: props.lockTableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.lockTableDeletionProtection ?? true,
    });
  }
}
