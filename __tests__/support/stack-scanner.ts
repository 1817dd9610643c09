/**
 * The project's own security scanner for synthesized stacks (cdk.tf.json). Each finding names the
 * stack, the resource and the rule it breaks.
 */

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is walked without a schema
type Json = Record<string, any>;

interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
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
  "cloudwatch:PutMetricData",
]);

const SLACK_WEBHOOK = /hooks\.slack(-gov)?\.com\/(services|workflows|triggers)\//i;

/** Returns every finding in one synthesized stack. */
export function scanStack(stackName: string, stack: Json): string[] {
  const findings: string[] = [];
  const at = (type: string, name: string, problem: string) =>
    findings.push(`${stackName}: ${type}.${name}: ${problem}`);
  const resources = (type: string): [string, Json][] => Object.entries((stack.resource?.[type] ?? {}) as Json);

  // Key policies use "*" for "this key", and their default root statement delegates to IAM: they are
  // judged by AWS's key-policy rules, not as identity policies.
  const keyPolicyDocuments = new Set(
    resources("aws_kms_key").flatMap(([, key]) => referencedDocuments(String(key.policy ?? ""))),
  );

  for (const [name, document] of Object.entries((stack.data?.aws_iam_policy_document ?? {}) as Json)) {
    if (keyPolicyDocuments.has(name)) continue;
    for (const statement of (document.statement ?? []) as Statement[]) {
      checkStatement(statement, (problem) => at("data.aws_iam_policy_document", name, problem));
    }
  }
  for (const type of ["aws_iam_role_policy", "aws_iam_policy"]) {
    for (const [name, resource] of resources(type)) {
      const policy = String(resource.policy ?? "");
      if (referencedDocuments(policy).length > 0) continue; // checked above, as a policy document
      for (const statement of literalStatements(policy)) {
        checkStatement(statement, (problem) => at(type, name, problem));
      }
    }
  }

  for (const [name, permission] of resources("aws_lambda_permission")) {
    if (!permission.source_arn)
      at("aws_lambda_permission", name, "has no source_arn: any resource of the principal could invoke");
  }
  for (const [name, group] of resources("aws_cloudwatch_log_group")) {
    if (!group.retention_in_days) at("aws_cloudwatch_log_group", name, "keeps logs forever (no retention_in_days)");
  }
  for (const [name, queue] of resources("aws_sqs_queue")) {
    if (queue.sqs_managed_sse_enabled !== true && !queue.kms_master_key_id)
      at("aws_sqs_queue", name, "is not encrypted");
  }
  for (const [name, topic] of resources("aws_sns_topic")) {
    if (!topic.kms_master_key_id) at("aws_sns_topic", name, "is not encrypted");
  }
  for (const [name, table] of resources("aws_dynamodb_table")) {
    if (table.server_side_encryption?.enabled !== true)
      at("aws_dynamodb_table", name, "does not enable server-side encryption");
  }
  const encryptedBuckets = new Set(
    resources("aws_s3_bucket_server_side_encryption_configuration").map(([, config]) => String(config.bucket)),
  );
  for (const [name] of resources("aws_s3_bucket")) {
    if (
      !encryptedBuckets.has(`\${aws_s3_bucket.${name}.id}`) &&
      !encryptedBuckets.has(`\${aws_s3_bucket.${name}.bucket}`)
    ) {
      at("aws_s3_bucket", name, "has no server-side encryption configuration");
    }
  }

  const text = JSON.stringify(stack);
  if (SLACK_WEBHOOK.test(text)) findings.push(`${stackName}: contains a string that looks like a Slack webhook URL`);
  return findings;
}

function checkStatement(statement: Statement, report: (problem: string) => void): void {
  if ((statement.effect ?? "Allow") !== "Allow") return;
  const actions = statement.actions ?? [];
  const label = statement.sid ? `statement ${statement.sid}` : "a statement";
  for (const action of actions) {
    if (action === "*" || /^[\w-]+:\*$/.test(action)) report(`${label} allows the wildcard action ${action}`);
  }
  if ((statement.resources ?? []).includes("*")) {
    for (const action of actions) {
      if (!ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(action)) {
        report(`${label} allows ${action} on Resource "*" although it supports resource-level permissions`);
      }
    }
  }
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
