import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { createLogger } from "../../../handler/runtime/logger";
import { HELD_RETRY_SECONDS, queueUrlOfArn, retrySoon } from "../../../handler/organization/retry-soon";

const ARN = "arn:aws:sqs:eu-west-1:123456789012:key-age-accounts";

const record = (overrides: Partial<SQSRecord> = {}): SQSRecord =>
  ({
    messageId: "m-1",
    receiptHandle: "receipt-1",
    body: "{}",
    attributes: {},
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: ARN,
    awsRegion: "eu-west-1",
    ...overrides,
  }) as SQSRecord;

describe("queueUrlOfArn", () => {
  test.each([
    [ARN, "https://sqs.eu-west-1.amazonaws.com/123456789012/key-age-accounts"],
    ["arn:aws-cn:sqs:cn-north-1:123456789012:q", "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q"],
    ["arn:aws:sns:eu-west-1:123456789012:topic", undefined],
    ["arn:aws:sqs:eu-west-1:not-an-account:q", undefined],
    ["", undefined],
  ])("%s → %s", (arn, url) => {
    expect(queueUrlOfArn(arn)).toBe(url);
  });
});

describe("retrySoon", () => {
  const sqs = mockClient(SQSClient);
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  beforeEach(() => {
    sqs.reset();
    lines.length = 0;
  });
  afterAll(() => sqs.restore());

  test("makes the message visible again after a minute, not the queue's 30-minute timeout", async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await retrySoon(new SQSClient({ region: "eu-west-1" }), record(), logger);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/key-age-accounts",
        ReceiptHandle: "receipt-1",
        VisibilityTimeout: HELD_RETRY_SECONDS,
      },
    ]);
    expect(lines).toEqual([]);
  });

  test("never throws: a refusal is logged, and SQS redelivers the message after its timeout anyway", async () => {
    sqs
      .on(ChangeMessageVisibilityCommand)
      .rejects(Object.assign(new Error("receipt handle expired"), { name: "ReceiptHandleIsInvalid" }));
    await expect(retrySoon(new SQSClient({ region: "eu-west-1" }), record(), logger)).resolves.toBeUndefined();
    expect(lines).toEqual([
      expect.objectContaining({ level: "warn", messageId: "m-1", errorName: "ReceiptHandleIsInvalid" }),
    ]);
  });

  test("a record without a queue ARN or receipt handle is left alone", async () => {
    await retrySoon(new SQSClient({ region: "eu-west-1" }), record({ eventSourceARN: "" }), logger);
    await retrySoon(new SQSClient({ region: "eu-west-1" }), record({ receiptHandle: "" }), logger);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });
});
