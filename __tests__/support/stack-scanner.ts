/**
 * The project's own security scanner for synthesized stacks (cdk.tf.json), at parity with the checkov
 * and trivy rules that apply to the resources this project creates. Each rule carries its checkov and
 * trivy ids and checks what that rule means (where the two tools disagree, the stricter meaning);
 * a violation is a finding unless scanner-exceptions.ts records it, with the reason.
 */
import { SCANNER_EXCEPTIONS, type ScannerException } from "./scanner-exceptions";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is walked without a schema
type Json = Record<string, any>;

/** One resource breaking one rule. */
export interface Violation {
  /** The resource's address, `type.name` (or `stack` for the stack as a whole). */
  readonly resource: string;
  /** What is wrong, in words. */
  readonly problem: string;
}

/** One rule of the scanner. */
export interface ScanRule {
  /** The rule's id: its checkov id, else its trivy id, else the reference that defines it. */
  readonly id: string;
  /** Ids of the checkov checks with this meaning. */
  readonly checkov: readonly string[];
  /** Ids of the trivy checks with this meaning (AVD-AWS-…). */
  readonly trivy: readonly string[];
  /** What the rule requires. */
  readonly title: string;
  /** The violations in one synthesized stack. */
  readonly check: (stack: Json) => Violation[];
}

interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type?: string; identifiers?: string[] }[];
  condition?: { test?: string; variable?: string; values?: string[] }[];
}

/**
 * Actions that have no resource-level permissions in IAM, so `"*"` is the only resource they take.
 * Anything else with `Resource: "*"` is a finding.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = new Set([
  "iam:ListUsers",
  "iam:GenerateCredentialReport",
  "iam:GetCredentialReport",
  "iam:GetAccountAuthorizationDetails",
  "iam:GetAccountSummary",
  "cloudwatch:PutMetricData",
  // Organization mode's dispatcher: ListAccounts has no resource types in the Service Authorization Reference.
  "organizations:ListAccounts",
  // KEY_USAGE=on (KEY_USAGE_ACTIONS): neither has resource types in the Service Authorization Reference.
  "cloudtrail:LookupEvents",
  "ec2:DescribeRegions",
]);

const SLACK_WEBHOOK = /hooks\.slack(-gov)?\.com\/(services|workflows|triggers)\//i;

const resources = (stack: Json, type: string): [string, Json][] =>
  Object.entries((stack.resource?.[type] ?? {}) as Json);

/** cdktf writes single nested blocks as objects, Terraform JSON allows lists: read either. */
function block(value: unknown): Json | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && typeof first === "object" ? (first as Json) : undefined;
}

/** One violation per resource of `type` for which `broken` returns a problem. */
function perResource(type: string, broken: (resource: Json) => string | undefined) {
  return (stack: Json): Violation[] =>
    resources(stack, type).flatMap(([name, resource]) => {
      const problem = broken(resource);
      return problem === undefined ? [] : [{ resource: `${type}.${name}`, problem }];
    });
}

/** Names of buckets that a sub-resource of `type` satisfying `ok` refers to. */
function bucketsWith(stack: Json, type: string, ok: (resource: Json) => boolean = () => true): Set<string> {
  const names = new Set<string>();
  for (const [, resource] of resources(stack, type)) {
    if (!ok(resource)) continue;
    const match = /^\$\{aws_s3_bucket\.([\w-]+)\.(id|bucket)\}$/.exec(String(resource.bucket ?? ""));
    if (match) names.add(match[1]);
  }
  return names;
}

/** One violation per bucket that no sub-resource of `type` satisfying `ok` configures. */
function perBucket(type: string, problem: string, ok?: (resource: Json) => boolean) {
  return (stack: Json): Violation[] => {
    const configured = bucketsWith(stack, type, ok);
    return resources(stack, "aws_s3_bucket")
      .filter(([name]) => !configured.has(name))
      .map(([name]) => ({ resource: `aws_s3_bucket.${name}`, problem }));
  };
}

function referencedDocuments(expression: string): string[] {
  return [...expression.matchAll(/data\.aws_iam_policy_document\.([\w-]+)\.json/g)].map((m) => m[1]);
}

function literalStatements(policy: string): Statement[] {
  try {
    const parsed = JSON.parse(policy) as { Statement?: Json | Json[] };
    const list = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
    const many = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
    return list.map((s) => ({ sid: s.Sid, effect: s.Effect, actions: many(s.Action), resources: many(s.Resource) }));
  } catch {
    return [];
  }
}

/** Documents used as KMS key policies: their `"*"` means the key itself, judged by key-policy rules. */
function keyPolicyDocuments(stack: Json): Set<string> {
  return new Set(resources(stack, "aws_kms_key").flatMap(([, key]) => referencedDocuments(String(key.policy ?? ""))));
}

/** Every identity-policy statement in the stack, with the address that holds it. */
function identityStatements(stack: Json): { at: string; statement: Statement }[] {
  const keyPolicies = keyPolicyDocuments(stack);
  const found: { at: string; statement: Statement }[] = [];
  for (const [name, document] of Object.entries((stack.data?.aws_iam_policy_document ?? {}) as Json)) {
    if (keyPolicies.has(name)) continue;
    for (const statement of (document.statement ?? []) as Statement[]) {
      found.push({ at: `data.aws_iam_policy_document.${name}`, statement });
    }
  }
  for (const type of ["aws_iam_role_policy", "aws_iam_policy"]) {
    for (const [name, resource] of resources(stack, type)) {
      const policy = String(resource.policy ?? "");
      if (referencedDocuments(policy).length > 0) continue; // checked above, as a policy document
      for (const statement of literalStatements(policy)) found.push({ at: `${type}.${name}`, statement });
    }
  }
  return found;
}

const label = (statement: Statement) => (statement.sid ? `statement ${statement.sid}` : "a statement");
const allows = (statement: Statement) => (statement.effect ?? "Allow") === "Allow";

function statementRule(check: (statement: Statement) => string[]) {
  return (stack: Json): Violation[] =>
    identityStatements(stack).flatMap(({ at, statement }) =>
      allows(statement) ? check(statement).map((problem) => ({ resource: at, problem })) : [],
    );
}

/** Whether a bucket policy document denies every request made without TLS. */
function deniesInsecureTransport(statements: Statement[]): boolean {
  return statements.some(
    (s) =>
      s.effect === "Deny" &&
      (s.condition ?? []).some(
        (c) => c.test === "Bool" && c.variable === "aws:SecureTransport" && (c.values ?? []).includes("false"),
      ),
  );
}

const notExcepted = "neither met nor recorded as an exception";

/** Every rule, in the order of the README's table. */
export const SCAN_RULES: readonly ScanRule[] = [
  {
    id: "CKV_AWS_49",
    checkov: ["CKV_AWS_49", "CKV_AWS_63", "CKV_AWS_1", "CKV_AWS_62"],
    trivy: ["AVD-AWS-0057"],
    title: "no wildcard action (`*` or `service:*`) in an Allow statement",
    check: statementRule((s) =>
      (s.actions ?? [])
        .filter((action) => action === "*" || /^[\w-]+:\*$/.test(action))
        .map((action) => `${label(s)} allows the wildcard action ${action}`),
    ),
  },
  {
    id: "CKV_AWS_356",
    checkov: ["CKV_AWS_356"],
    trivy: ["AVD-AWS-0057"],
    title: '`Resource: "*"` only for actions without resource-level permissions',
    check: statementRule((s) =>
      (s.resources ?? []).includes("*")
        ? (s.actions ?? [])
            .filter((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(action))
            .map(
              (action) =>
                `${label(s)} allows ${action} on Resource "*" although it supports resource-level permissions`,
            )
        : [],
    ),
  },
  {
    id: "CKV_AWS_33",
    checkov: ["CKV_AWS_33"],
    trivy: [],
    title: "no wildcard principal in a KMS key policy",
    check: (stack) => {
      const documents = (stack.data?.aws_iam_policy_document ?? {}) as Json;
      return [...keyPolicyDocuments(stack)].flatMap((name) =>
        ((documents[name]?.statement ?? []) as Statement[])
          .filter((s) => allows(s) && (s.principals ?? []).some((p) => (p.identifiers ?? []).includes("*")))
          .map((s) => ({
            resource: `data.aws_iam_policy_document.${name}`,
            problem: `${label(s)} allows the principal *`,
          })),
      );
    },
  },
  {
    id: "CKV_AWS_7",
    checkov: ["CKV_AWS_7"],
    trivy: ["AVD-AWS-0065"],
    title: "customer-managed KMS keys rotate automatically",
    check: perResource("aws_kms_key", (key) => {
      const spec = String(key.customer_master_key_spec ?? "SYMMETRIC_DEFAULT");
      const rotates = spec.includes("SYMMETRIC_DEFAULT") || spec.includes("HMAC");
      return rotates && key.enable_key_rotation !== true ? "does not enable automatic key rotation" : undefined;
    }),
  },
  {
    id: "CKV_AWS_364",
    checkov: ["CKV_AWS_364"],
    trivy: ["AVD-AWS-0067"],
    title: "a Lambda permission for an AWS service names the source ARN",
    check: perResource("aws_lambda_permission", (permission) =>
      String(permission.principal ?? "").endsWith(".amazonaws.com") && !permission.source_arn
        ? "has no source_arn: any resource of the principal could invoke"
        : undefined,
    ),
  },
  {
    id: "CKV_AWS_115",
    checkov: ["CKV_AWS_115"],
    trivy: [],
    title: "Lambda functions have a function-level concurrency limit",
    check: perResource("aws_lambda_function", (fn) =>
      fn.reserved_concurrent_executions === undefined || fn.reserved_concurrent_executions === -1
        ? "has no reserved concurrency"
        : undefined,
    ),
  },
  {
    id: "CKV_AWS_117",
    checkov: ["CKV_AWS_117"],
    trivy: [],
    title: "Lambda functions run in a VPC",
    check: perResource("aws_lambda_function", (fn) => (block(fn.vpc_config) ? undefined : "is not in a VPC")),
  },
  {
    id: "CKV_AWS_272",
    checkov: ["CKV_AWS_272"],
    trivy: [],
    title: "Lambda functions validate code signing",
    check: perResource("aws_lambda_function", (fn) =>
      fn.code_signing_config_arn ? undefined : "has no code-signing configuration",
    ),
  },
  {
    id: "CKV_AWS_50",
    checkov: ["CKV_AWS_50"],
    trivy: ["AVD-AWS-0066"],
    title: "Lambda functions trace with X-Ray (trivy: mode Active; checkov also accepts PassThrough)",
    check: perResource("aws_lambda_function", (fn) =>
      block(fn.tracing_config)?.mode === "Active" ? undefined : "does not trace with X-Ray (mode Active)",
    ),
  },
  {
    id: "CKV_AWS_116",
    checkov: ["CKV_AWS_116"],
    trivy: [],
    title: "Lambda functions have a dead-letter queue",
    check: perResource("aws_lambda_function", (fn) =>
      block(fn.dead_letter_config)?.target_arn ? undefined : "has no dead_letter_config",
    ),
  },
  {
    id: "CKV_AWS_173",
    checkov: ["CKV_AWS_173"],
    trivy: [],
    title: "Lambda environment variables are encrypted with a customer-managed key",
    check: perResource("aws_lambda_function", (fn) =>
      block(fn.environment) && !fn.kms_key_arn ? "has environment variables but no kms_key_arn" : undefined,
    ),
  },
  {
    id: "CKV_AWS_45",
    checkov: ["CKV_AWS_45"],
    trivy: [],
    title: "no secret in the configuration (this project's secret: a Slack webhook URL, anywhere in the stack)",
    check: (stack) =>
      SLACK_WEBHOOK.test(JSON.stringify(stack))
        ? [{ resource: "stack", problem: "contains a string that looks like a Slack webhook URL" }]
        : [],
  },
  {
    id: "CKV_AWS_66",
    checkov: ["CKV_AWS_66"],
    trivy: [],
    title: "log groups set a retention",
    check: perResource("aws_cloudwatch_log_group", (group) =>
      group.retention_in_days === undefined ? "keeps logs forever (no retention_in_days)" : undefined,
    ),
  },
  {
    id: "CKV_AWS_338",
    checkov: ["CKV_AWS_338"],
    trivy: [],
    title: "log groups keep logs for at least a year",
    check: perResource("aws_cloudwatch_log_group", (group) => {
      const days = group.retention_in_days;
      return typeof days === "number" && (days === 0 || days >= 365)
        ? undefined
        : `keeps logs for ${days ?? "an unset number of"} days, less than a year`;
    }),
  },
  {
    id: "CKV_AWS_158",
    checkov: ["CKV_AWS_158"],
    trivy: ["AVD-AWS-0017"],
    title: "log groups are encrypted with a customer-managed KMS key",
    check: perResource("aws_cloudwatch_log_group", (group) => (group.kms_key_id ? undefined : "has no kms_key_id")),
  },
  {
    id: "CKV_AWS_27",
    checkov: ["CKV_AWS_27"],
    trivy: ["AVD-AWS-0096"],
    title: "SQS queues are encrypted",
    check: perResource("aws_sqs_queue", (queue) =>
      queue.sqs_managed_sse_enabled === true || queue.kms_master_key_id ? undefined : "is not encrypted",
    ),
  },
  {
    id: "AVD-AWS-0135",
    checkov: ["CKV2_AWS_73"],
    trivy: ["AVD-AWS-0135"],
    title: "SQS queues are not encrypted with the default `alias/aws/sqs` key",
    check: perResource("aws_sqs_queue", (queue) =>
      queue.kms_master_key_id === "alias/aws/sqs" ? "is encrypted with the default alias/aws/sqs key" : undefined,
    ),
  },
  {
    id: "CKV_AWS_26",
    checkov: ["CKV_AWS_26"],
    trivy: ["AVD-AWS-0095"],
    title: "SNS topics are encrypted",
    check: perResource("aws_sns_topic", (topic) => (topic.kms_master_key_id ? undefined : "is not encrypted")),
  },
  {
    id: "AVD-AWS-0136",
    checkov: [],
    trivy: ["AVD-AWS-0136"],
    title: "SNS topics are not encrypted with the default `alias/aws/sns` key",
    check: perResource("aws_sns_topic", (topic) =>
      topic.kms_master_key_id === "alias/aws/sns" ? "is encrypted with the default alias/aws/sns key" : undefined,
    ),
  },
  {
    id: "KEY-AGE-DYNAMODB-KMS",
    checkov: [],
    trivy: [],
    title: "DynamoDB tables are encrypted with a KMS key (at least the AWS-managed one)",
    check: perResource("aws_dynamodb_table", (table) =>
      block(table.server_side_encryption)?.enabled === true ? undefined : "does not enable server-side encryption",
    ),
  },
  {
    id: "CKV_AWS_119",
    checkov: ["CKV_AWS_119"],
    trivy: ["AVD-AWS-0025"],
    title: "DynamoDB tables are encrypted with a customer-managed KMS key",
    check: perResource("aws_dynamodb_table", (table) => {
      const sse = block(table.server_side_encryption);
      return sse?.enabled === true && sse.kms_key_arn ? undefined : "is not encrypted with a customer-managed key";
    }),
  },
  {
    id: "CKV_AWS_28",
    checkov: ["CKV_AWS_28"],
    trivy: ["AVD-AWS-0024"],
    title: "DynamoDB tables have point-in-time recovery",
    check: perResource("aws_dynamodb_table", (table) =>
      block(table.point_in_time_recovery)?.enabled === true ? undefined : "has no point-in-time recovery",
    ),
  },
  {
    id: "DynamoDB.6",
    checkov: [],
    trivy: [],
    title: "DynamoDB tables have deletion protection (AWS Security Hub DynamoDB.6; neither tool has this rule)",
    check: perResource("aws_dynamodb_table", (table) =>
      table.deletion_protection_enabled === true ? undefined : "has no deletion protection",
    ),
  },
  {
    id: "CKV_AWS_19",
    checkov: ["CKV_AWS_19"],
    trivy: ["AVD-AWS-0088"],
    title: "S3 buckets have default encryption",
    check: perBucket(
      "aws_s3_bucket_server_side_encryption_configuration",
      "has no server-side encryption configuration",
    ),
  },
  {
    id: "CKV_AWS_145",
    checkov: ["CKV_AWS_145"],
    trivy: [],
    title: "S3 buckets are encrypted with KMS by default",
    check: perBucket(
      "aws_s3_bucket_server_side_encryption_configuration",
      "is not encrypted with KMS (aws:kms) by default",
      (config) => block(config.rule)?.apply_server_side_encryption_by_default?.sse_algorithm === "aws:kms",
    ),
  },
  {
    id: "AVD-AWS-0132",
    checkov: [],
    trivy: ["AVD-AWS-0132"],
    title: "S3 buckets are encrypted with a customer-managed KMS key",
    check: perBucket(
      "aws_s3_bucket_server_side_encryption_configuration",
      "is not encrypted with a customer-managed key",
      (config) => Boolean(block(config.rule)?.apply_server_side_encryption_by_default?.kms_master_key_id),
    ),
  },
  {
    id: "CKV_AWS_21",
    checkov: ["CKV_AWS_21"],
    trivy: ["AVD-AWS-0090"],
    title: "S3 buckets keep versions",
    check: perBucket(
      "aws_s3_bucket_versioning",
      "is not versioned",
      (v) => block(v.versioning_configuration)?.status === "Enabled",
    ),
  },
  {
    id: "CKV2_AWS_61",
    checkov: ["CKV2_AWS_61"],
    trivy: [],
    title: "S3 buckets have a lifecycle configuration",
    check: perBucket("aws_s3_bucket_lifecycle_configuration", "has no lifecycle configuration"),
  },
  {
    id: "CKV2_AWS_6",
    checkov: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
    trivy: ["AVD-AWS-0094", "AVD-AWS-0086", "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093"],
    title: "S3 buckets have a public access block with all four settings on",
    check: perBucket(
      "aws_s3_bucket_public_access_block",
      "has no public access block with all four settings on",
      (b) => b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets,
    ),
  },
  {
    id: "CKV2_AWS_65",
    checkov: ["CKV2_AWS_65"],
    trivy: [],
    title: "S3 buckets disable ACLs (object ownership BucketOwnerEnforced)",
    check: perBucket(
      "aws_s3_bucket_ownership_controls",
      "does not disable ACLs",
      (c) => block(c.rule)?.object_ownership === "BucketOwnerEnforced",
    ),
  },
  {
    id: "CKV_AWS_379",
    checkov: ["CKV_AWS_379"],
    trivy: [],
    title: "S3 bucket policies deny requests without TLS",
    check: (stack) => {
      const documents = (stack.data?.aws_iam_policy_document ?? {}) as Json;
      return perBucket("aws_s3_bucket_policy", "has no policy that denies requests without TLS", (policy) => {
        const text = String(policy.policy ?? "");
        const statements = [
          ...referencedDocuments(text).flatMap((name) => (documents[name]?.statement ?? []) as Statement[]),
          ...literalStatements(text).map((s) => ({ ...s, condition: undefined })),
        ];
        return deniesInsecureTransport(statements) || /"aws:SecureTransport"\s*:\s*"?false/.test(text);
      })(stack);
    },
  },
  {
    id: "CKV_AWS_18",
    checkov: ["CKV_AWS_18"],
    trivy: ["AVD-AWS-0089"],
    title: "S3 buckets have access logging",
    check: perBucket("aws_s3_bucket_logging", "has no access logging"),
  },
  {
    id: "CKV_AWS_144",
    checkov: ["CKV_AWS_144"],
    trivy: [],
    title: "S3 buckets replicate across regions",
    check: perBucket("aws_s3_bucket_replication_configuration", "has no cross-region replication"),
  },
  {
    id: "CKV2_AWS_62",
    checkov: ["CKV2_AWS_62"],
    trivy: [],
    title: "S3 buckets send event notifications",
    check: perBucket("aws_s3_bucket_notification", "has no event notifications"),
  },
  {
    id: "KEY-AGE-S3-NO-DESTROY",
    checkov: [],
    trivy: [],
    title: "S3 buckets refuse Terraform's destroy (`prevent_destroy`) and are never force-destroyed",
    check: perResource("aws_s3_bucket", (bucket) => {
      if (bucket.force_destroy === true) return "has force_destroy: a destroy would delete every object";
      return block(bucket.lifecycle)?.prevent_destroy === true ? undefined : "has no lifecycle.prevent_destroy";
    }),
  },
  {
    id: "CKV_AWS_319",
    checkov: ["CKV_AWS_319"],
    trivy: [],
    title: "CloudWatch alarms have their actions enabled",
    check: perResource("aws_cloudwatch_metric_alarm", (alarm) =>
      alarm.actions_enabled === false ? "has its actions disabled" : undefined,
    ),
  },
];

/** A violation with the rule it breaks and the stack it is in. */
export interface Finding extends Violation {
  /** The stack. */
  readonly stack: string;
  /** The rule's id. */
  readonly rule: string;
}

/** Every violation of every rule in one stack, excepted or not. */
export function violations(stackName: string, stack: Json, rules: readonly ScanRule[] = SCAN_RULES): Finding[] {
  return rules.flatMap((rule) => rule.check(stack).map((v) => ({ ...v, stack: stackName, rule: rule.id })));
}

/** Whether an exception covers a finding: same rule, a listed stack, a listed resource type. */
export function isExcepted(finding: Finding, exception: ScannerException): boolean {
  const type = finding.resource.split(".")[0];
  return (
    exception.rule === finding.rule &&
    (exception.stacks === "*" || exception.stacks.includes(finding.stack)) &&
    exception.resourceTypes.includes(type)
  );
}

/**
 * Returns every finding in one synthesized stack that no exception covers, as
 * `stack: resource: [rule] problem`: an empty list means every rule is met or excepted.
 */
export function scanStack(
  stackName: string,
  stack: Json,
  exceptions: readonly ScannerException[] = SCANNER_EXCEPTIONS,
): string[] {
  return violations(stackName, stack)
    .filter((finding) => !exceptions.some((exception) => isExcepted(finding, exception)))
    .map((f) => `${f.stack}: ${f.resource}: [${f.rule}] ${f.problem} (${notExcepted})`);
}
