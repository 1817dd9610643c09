import { Testing, TerraformStack } from "cdktf";
import { config } from "../../environments";
import { buildApp } from "../../main";
import { ProjectConfig } from "../../stacks/environment-config";
import { SCANNER_EXCEPTIONS } from "../support/scanner-exceptions";
import { readmeRulesTable, scannerRulesTable } from "../support/scanner-readme";
import { isExcepted, SCAN_RULES, scanStack, violations } from "../support/stack-scanner";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is walked without a schema
type Json = Record<string, any>;

function synthesizedStacks(projectConfig: ProjectConfig) {
  const app = buildApp(projectConfig, Testing.app());
  return app.node.children
    .filter((c): c is TerraformStack => c instanceof TerraformStack)
    .map((stack) => ({ name: stack.node.id, json: JSON.parse(Testing.synth(stack)) }));
}

// Every optional feature switched on, so nothing escapes the scan.
const everything: ProjectConfig = {
  ...config,
  environments: Object.fromEntries(
    Object.entries(config.environments).map(([name, env]) => [
      name,
      {
        ...env,
        alarmEmail: "platform@example.com",
        alarmOnCriticalKeys: true,
        securityHub: true,
        // The customer-managed key of whichever Slack secret the environment uses.
        [env.slackBotTokenParameter ? "slackBotTokenKmsKeyArn" : "slackWebhookKmsKeyArn"]:
          "arn:aws:kms:eu-west-1:123456789012:key/abc",
      },
    ]),
  ),
};
const stacks = synthesizedStacks(everything);

/** A bucket `b` with every setting the S3 rules ask for, to break one at a time. */
function compliantBucket(): Json {
  const ref = "${aws_s3_bucket.b.id}";
  return {
    data: {
      aws_iam_policy_document: {
        tls: {
          statement: [
            {
              effect: "Deny",
              actions: ["s3:*"],
              resources: ["arn:aws:s3:::b"],
              principals: [{ type: "*", identifiers: ["*"] }],
              condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
            },
          ],
        },
      },
    },
    resource: {
      aws_s3_bucket: { b: { bucket: "b", lifecycle: { prevent_destroy: true } } },
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: ref,
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "k" } }],
        },
      },
      aws_s3_bucket_versioning: { v: { bucket: ref, versioning_configuration: { status: "Enabled" } } },
      aws_s3_bucket_lifecycle_configuration: { l: { bucket: ref, rule: [{ id: "x", status: "Enabled" }] } },
      aws_s3_bucket_public_access_block: {
        p: {
          bucket: ref,
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      },
      aws_s3_bucket_ownership_controls: { o: { bucket: ref, rule: { object_ownership: "BucketOwnerEnforced" } } },
      aws_s3_bucket_policy: { tls: { bucket: ref, policy: "${data.aws_iam_policy_document.tls.json}" } },
      aws_s3_bucket_logging: { log: { bucket: ref, target_bucket: "logs" } },
      aws_s3_bucket_replication_configuration: { r: { bucket: ref, rule: [{ status: "Enabled" }] } },
      aws_s3_bucket_notification: { n: { bucket: ref } },
    },
  };
}

/** The compliant bucket with one sub-resource removed or changed. */
function bucketWithout(type: string, replacement?: Json): Json {
  const stack = compliantBucket();
  if (replacement === undefined) delete stack.resource[type];
  else stack.resource[type] = replacement;
  return stack;
}

const fn = (extra: Json = {}): Json => ({
  resource: {
    aws_lambda_function: {
      f: {
        reserved_concurrent_executions: 1,
        vpc_config: { subnet_ids: ["s"] },
        code_signing_config_arn: "arn:csc",
        tracing_config: { mode: "Active" },
        dead_letter_config: { target_arn: "arn:sqs" },
        kms_key_arn: "arn:kms",
        environment: { variables: { A: "b" } },
        ...extra,
      },
    },
  },
});
const table = (extra: Json = {}): Json => ({
  resource: {
    aws_dynamodb_table: {
      t: {
        server_side_encryption: { enabled: true, kms_key_arn: "arn:kms" },
        point_in_time_recovery: { enabled: true },
        deletion_protection_enabled: true,
        ...extra,
      },
    },
  },
});
const logGroup = (extra: Json = {}): Json => ({
  resource: { aws_cloudwatch_log_group: { l: { retention_in_days: 365, kms_key_id: "arn:kms", ...extra } } },
});
const doc = (statement: Json): Json => ({ data: { aws_iam_policy_document: { p: { statement: [statement] } } } });

/** For each rule, a stack that breaks it (and, where it matters, only it). */
const BREAKS: Record<string, Json> = {
  CKV_AWS_49: doc({ actions: ["iam:*"], resources: ["arn:aws:iam::1:user/x"] }),
  CKV_AWS_356: doc({ actions: ["iam:ListAccessKeys"], resources: ["*"] }),
  CKV_AWS_33: {
    data: {
      aws_iam_policy_document: {
        kp: {
          statement: [
            { actions: ["kms:Decrypt"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["*"] }] },
          ],
        },
      },
    },
    resource: {
      aws_kms_key: { k: { enable_key_rotation: true, policy: "${data.aws_iam_policy_document.kp.json}" } },
    },
  },
  CKV_AWS_7: { resource: { aws_kms_key: { k: { enable_key_rotation: false } } } },
  CKV_AWS_364: { resource: { aws_lambda_permission: { p: { principal: "events.amazonaws.com" } } } },
  CKV_AWS_115: fn({ reserved_concurrent_executions: -1 }),
  CKV_AWS_117: fn({ vpc_config: undefined }),
  CKV_AWS_272: fn({ code_signing_config_arn: undefined }),
  CKV_AWS_50: fn({ tracing_config: { mode: "PassThrough" } }),
  CKV_AWS_116: fn({ dead_letter_config: undefined }),
  CKV_AWS_173: fn({ kms_key_arn: undefined }),
  CKV_AWS_45: fn({
    environment: { variables: { URL: ["https://hooks.slack.com", "services", "T0", "B0", "X"].join("/") } },
  }),
  CKV_AWS_66: logGroup({ retention_in_days: undefined }),
  CKV_AWS_338: logGroup({ retention_in_days: 90 }),
  CKV_AWS_158: logGroup({ kms_key_id: undefined }),
  CKV_AWS_27: { resource: { aws_sqs_queue: { q: {} } } },
  "AVD-AWS-0135": { resource: { aws_sqs_queue: { q: { kms_master_key_id: "alias/aws/sqs" } } } },
  CKV_AWS_26: { resource: { aws_sns_topic: { t: {} } } },
  "AVD-AWS-0136": { resource: { aws_sns_topic: { t: { kms_master_key_id: "alias/aws/sns" } } } },
  "KEY-AGE-DYNAMODB-KMS": table({ server_side_encryption: { enabled: false } }),
  CKV_AWS_119: table({ server_side_encryption: { enabled: true } }),
  CKV_AWS_28: table({ point_in_time_recovery: { enabled: false } }),
  "DynamoDB.6": table({ deletion_protection_enabled: false }),
  CKV_AWS_19: bucketWithout("aws_s3_bucket_server_side_encryption_configuration"),
  CKV_AWS_145: bucketWithout("aws_s3_bucket_server_side_encryption_configuration", {
    e: {
      bucket: "${aws_s3_bucket.b.id}",
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    },
  }),
  "AVD-AWS-0132": bucketWithout("aws_s3_bucket_server_side_encryption_configuration", {
    e: {
      bucket: "${aws_s3_bucket.b.id}",
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }],
    },
  }),
  CKV_AWS_21: bucketWithout("aws_s3_bucket_versioning", {
    v: { bucket: "${aws_s3_bucket.b.id}", versioning_configuration: { status: "Suspended" } },
  }),
  CKV2_AWS_61: bucketWithout("aws_s3_bucket_lifecycle_configuration"),
  CKV2_AWS_6: bucketWithout("aws_s3_bucket_public_access_block", {
    p: { bucket: "${aws_s3_bucket.b.id}", block_public_acls: true, block_public_policy: false },
  }),
  CKV2_AWS_65: bucketWithout("aws_s3_bucket_ownership_controls", {
    o: { bucket: "${aws_s3_bucket.b.id}", rule: { object_ownership: "ObjectWriter" } },
  }),
  CKV_AWS_379: bucketWithout("aws_s3_bucket_policy"),
  CKV_AWS_18: bucketWithout("aws_s3_bucket_logging"),
  CKV_AWS_144: bucketWithout("aws_s3_bucket_replication_configuration"),
  CKV2_AWS_62: bucketWithout("aws_s3_bucket_notification"),
  "KEY-AGE-S3-NO-DESTROY": bucketWithout("aws_s3_bucket", { b: { bucket: "b", force_destroy: true } }),
  CKV_AWS_319: { resource: { aws_cloudwatch_metric_alarm: { a: { actions_enabled: false } } } },
};

/** A stack that meets every rule: the fixtures' compliant forms together. */
const COMPLIANT: Json = (() => {
  const bucket = compliantBucket();
  return {
    data: bucket.data,
    resource: {
      ...bucket.resource,
      ...fn().resource,
      ...table().resource,
      ...logGroup().resource,
      aws_kms_key: { k: { enable_key_rotation: true } },
      aws_lambda_permission: { p: { principal: "events.amazonaws.com", source_arn: "arn:rule" } },
      aws_sqs_queue: { q: { sqs_managed_sse_enabled: true } },
      aws_sns_topic: { t: { kms_master_key_id: "arn:kms" } },
      aws_cloudwatch_metric_alarm: { a: {} },
    },
  };
})();

describe("the project's security scanner", () => {
  test.each(stacks.map((s) => [s.name, s.json]))("finds nothing neither met nor excepted in %s", (name, json) => {
    expect(scanStack(name as string, json)).toEqual([]);
  });

  test("rule ids are unique", () => {
    expect(new Set(SCAN_RULES.map((r) => r.id)).size).toBe(SCAN_RULES.length);
  });

  test("covers the rules a platform team checks first", () => {
    const named = new Set(SCAN_RULES.flatMap((r) => [r.id, ...r.checkov, ...r.trivy]));
    for (const id of ["CKV2_AWS_61", "CKV_AWS_145", "CKV_AWS_338", "DynamoDB.6", "CKV_AWS_7", "AVD-AWS-0065"]) {
      expect(named).toContain(id);
    }
  });

  describe("exceptions", () => {
    test("each names a known rule and gives a reason", () => {
      const ids = new Set(SCAN_RULES.map((r) => r.id));
      for (const exception of SCANNER_EXCEPTIONS) {
        expect(ids).toContain(exception.rule);
        expect(exception.reason.length).toBeGreaterThan(20);
      }
    });

    test("each still matches a violation in the synthesized stacks (no stale exception)", () => {
      const all = stacks.flatMap((s) => violations(s.name, s.json));
      for (const exception of SCANNER_EXCEPTIONS) {
        expect({ exception, used: all.some((f) => isExcepted(f, exception)) }).toEqual({ exception, used: true });
      }
    });

    test("cover only their stacks: the same violation elsewhere is a finding", () => {
      const prod = stacks.find((s) => s.name === "monitor-prod")!.json;
      const shorterLogs = JSON.parse(JSON.stringify(prod));
      for (const group of Object.values(shorterLogs.resource.aws_cloudwatch_log_group) as Json[]) {
        group.retention_in_days = 30;
      }
      expect(scanStack("monitor-prod", shorterLogs)).toEqual([
        expect.stringMatching(/^monitor-prod: aws_cloudwatch_log_group\.\S+: \[CKV_AWS_338\] keeps logs for 30 days/),
      ]);
      expect(scanStack("monitor-dev", shorterLogs)).toEqual([]);
    });

    test("the README's table is the one generated from the rules and the exceptions", () => {
      expect(readmeRulesTable()).toBe(scannerRulesTable());
    });
  });

  describe("each rule catches a resource that breaks it", () => {
    test("a stack that meets every rule has no violation", () => {
      expect(violations("ok", COMPLIANT)).toEqual([]);
    });

    test("every rule has a breaking example", () => {
      expect(Object.keys(BREAKS).sort()).toEqual(SCAN_RULES.map((r) => r.id).sort());
    });

    test.each(SCAN_RULES.map((rule) => [rule.id, rule.title]))("%s: %s", (id) => {
      const findings = scanStack("s", BREAKS[id], []);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.some((finding) => finding.includes(`[${id}]`))).toBe(true);
      // An exception for exactly this rule, stack and resource type lets it pass, and nothing else.
      const types = violations("s", BREAKS[id])
        .filter((v) => v.rule === id)
        .map((v) => v.resource.split(".")[0]);
      const excepted = scanStack("s", BREAKS[id], [{ rule: id, stacks: ["s"], resourceTypes: types, reason: "test" }]);
      expect(excepted.some((finding) => finding.includes(`[${id}]`))).toBe(false);
    });

    test("findings name the stack, the resource, the rule and the problem", () => {
      expect(scanStack("s", BREAKS.CKV_AWS_364, [])).toEqual([
        "s: aws_lambda_permission.p: [CKV_AWS_364] has no source_arn: any resource of the principal could invoke (neither met nor recorded as an exception)",
      ]);
      expect(scanStack("s", doc({ effect: "Deny", actions: ["s3:*"], resources: ["*"] }), [])).toEqual([]);
      expect(scanStack("s", doc({ actions: ["iam:ListUsers"], resources: ["*"] }), [])).toEqual([]);
    });

    test("literal JSON policies are read too", () => {
      const policy = JSON.stringify({ Statement: { Effect: "Allow", Action: "ssm:*", Resource: "*" } });
      const findings = scanStack("s", { resource: { aws_iam_role_policy: { r: { policy } } } }, []);
      expect(findings.map((f) => /\[(\S+)\]/.exec(f)?.[1])).toEqual(["CKV_AWS_49", "CKV_AWS_356"]);
    });
  });
});
