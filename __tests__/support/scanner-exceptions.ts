/**
 * The scanner's rules that this project deliberately does not meet, with the resources and the reason.
 * Each is data, not prose: the scanner lets exactly these violations pass, a test fails when an
 * exception no longer matches anything, and the README's table is checked against this list.
 */

/** One deliberate exception to one scanner rule. */
export interface ScannerException {
  /** The rule's id (`ScanRule.id` in stack-scanner.ts). */
  readonly rule: string;
  /** The stacks it applies to, or `"*"` for every stack. */
  readonly stacks: "*" | readonly string[];
  /** The resource types it applies to, e.g. `aws_lambda_function`. */
  readonly resourceTypes: readonly string[];
  /** Why the rule is not met: one sentence for the README. */
  readonly reason: string;
}

/** Every exception, in the order of the README's table. */
export const SCANNER_EXCEPTIONS: readonly ScannerException[] = [
  {
    rule: "CKV_AWS_117",
    stacks: "*",
    resourceTypes: ["aws_lambda_function"],
    reason:
      "the function only calls AWS APIs and Slack; a VPC adds NAT cost and failure modes without reducing exposure",
  },
  {
    rule: "CKV_AWS_272",
    stacks: "*",
    resourceTypes: ["aws_lambda_function"],
    reason:
      "the bundle is built and deployed by the same pipeline; add a signing profile if your organisation requires it",
  },
  {
    rule: "CKV_AWS_50",
    stacks: "*",
    resourceTypes: ["aws_lambda_function"],
    reason: "one short run every 10 minutes; the JSON run log carries timings and API call counts",
  },
  {
    rule: "CKV_AWS_116",
    stacks: "*",
    resourceTypes: ["aws_lambda_function"],
    reason:
      "superseded by the on-failure destination (the failed-run queue), which keeps the whole event plus the error",
  },
  {
    rule: "CKV_AWS_173",
    stacks: "*",
    resourceTypes: ["aws_lambda_function"],
    reason:
      "no secret is in the environment variables (the webhook lives in SSM); Lambda encrypts them with its AWS-managed key",
  },
  {
    rule: "CKV_AWS_158",
    stacks: "*",
    resourceTypes: ["aws_cloudwatch_log_group"],
    reason: "the run log holds counts and masked key ids, no secret; CloudWatch Logs encrypts it with its service key",
  },
  {
    rule: "CKV_AWS_338",
    stacks: ["monitor-dev", "monitor-demo"],
    resourceTypes: ["aws_cloudwatch_log_group"],
    reason:
      "development and demo environments keep logs for 30 and 7 days (`logRetentionDays`); every other environment keeps them a year by default",
  },
  {
    rule: "CKV_AWS_119",
    stacks: "*",
    resourceTypes: ["aws_dynamodb_table"],
    reason:
      "the tables hold lock and alert metadata, no secrets; they are encrypted with the AWS-managed KMS key, and a customer-managed key would need a key policy for every deployer",
  },
  {
    rule: "DynamoDB.6",
    stacks: ["monitor-dev", "monitor-demo"],
    resourceTypes: ["aws_dynamodb_table"],
    reason:
      "development and demo environments are torn down and rebuilt (`deletionProtection: false`); production and the lock table keep the default protection",
  },
  {
    rule: "AVD-AWS-0132",
    stacks: ["state-backend"],
    resourceTypes: ["aws_s3_bucket"],
    reason:
      "the state bucket is encrypted with the AWS-managed KMS key (CKV_AWS_145 is met); a customer-managed key would need a key policy for every deployer of every stack",
  },
  {
    rule: "CKV_AWS_18",
    stacks: ["state-backend"],
    resourceTypes: ["aws_s3_bucket"],
    reason:
      "a separate logging bucket per account is an organisational choice (CloudTrail data events do the same); versioning keeps every state revision",
  },
  {
    rule: "CKV_AWS_144",
    stacks: ["state-backend"],
    resourceTypes: ["aws_s3_bucket"],
    reason:
      "a replica bucket in a second region is an organisational choice; versioning and prevent_destroy protect the state in place",
  },
  {
    rule: "CKV2_AWS_62",
    stacks: ["state-backend"],
    resourceTypes: ["aws_s3_bucket"],
    reason: "nothing consumes state-bucket events; Terraform itself is the only writer",
  },
];
