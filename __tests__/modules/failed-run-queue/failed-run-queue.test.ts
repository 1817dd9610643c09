import { Testing } from "cdktf";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { FailedRunQueue } from "../../../modules/failed-run-queue/failed-run-queue";

// What a stack passes: the function's name attribute (a reference) and its plain name.
const FUNCTION_NAME_REFERENCE = "${aws_lambda_function.fn.function_name}";

const json = Testing.synthScope((scope) => {
  new FailedRunQueue(scope, "failed", {
    function: { functionName: FUNCTION_NAME_REFERENCE },
    functionName: "key-age",
    role: { name: "key-age" },
    maximumEventAgeSeconds: 300,
  });
});
const parsed = JSON.parse(json);
const queueId = Object.keys(parsed.resource.aws_sqs_queue)[0];

describe("FailedRunQueue", () => {
  test("keeps failed runs in an encrypted queue for 14 days, named from the plain name (no wait for the function)", () => {
    expect(json).toHaveResourceWithProperties(SqsQueue, {
      name: "key-age-failed-runs",
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1_209_600,
    });
  });

  test("bounds event age and retries, then sends the event to the queue", () => {
    expect(json).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      function_name: FUNCTION_NAME_REFERENCE,
      maximum_event_age_in_seconds: 300,
      maximum_retry_attempts: 2,
      destination_config: { on_failure: { destination: `\${aws_sqs_queue.${queueId}.arn}` } },
    });
  });

  test("the role may send to this queue only, before the invoke config is created", () => {
    const statement = (Object.values(parsed.data.aws_iam_policy_document)[0] as { statement: object[] }).statement;
    expect(statement).toEqual([
      { sid: "SendFailedRuns", actions: ["sqs:SendMessage"], resources: [`\${aws_sqs_queue.${queueId}.arn}`] },
    ]);
    const policyId = Object.keys(parsed.resource.aws_iam_role_policy)[0];
    const config = Object.values(parsed.resource.aws_lambda_function_event_invoke_config)[0] as {
      depends_on: string[];
    };
    expect(config.depends_on).toEqual([`aws_iam_role_policy.${policyId}`]);
  });
});
