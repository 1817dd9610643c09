import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { parseRunTrigger } from "../../../../handler/runtime/run-trigger";
import { exposureEventPattern } from "../../../../modules/exposure-events/exposure-event-pattern";
import { exposureForwarderTemplate } from "../../../../modules/exposure-events/exposure-forwarder-template";
import { startMotoServer, type MotoServer } from "../../../../scripts/lib/moto-server";

// The route AWS Health exposure events take, on moto's EventBridge: the forwarders in us-east-1 (the
// monitor account's own, and a member account's from the StackSet template) put the event on the
// monitor region's default bus, where the exposure rule matches it. moto runs no Lambda, so that rule
// targets a queue standing in for the function; the message is the event the function would receive.
jest.setTimeout(60_000);

const MONITOR_ACCOUNT = "123456789012";
const MEMBER_ACCOUNT = "222222222222";
const MONITOR_REGION = "eu-west-1";
const MONITOR_BUS = `arn:aws:events:${MONITOR_REGION}:${MONITOR_ACCOUNT}:event-bus/default`;

let moto: MotoServer;
let queueUrl: string;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const client = (region: string, creds = credentials) => ({ endpoint: moto.endpoint, region, credentials: creds });

function healthEvent(eventTypeCode: string, service = "RISK"): PutEventsRequestEntry {
  return {
    Source: "aws.health",
    DetailType: "AWS Health Event",
    Detail: JSON.stringify({
      service,
      eventTypeCode,
      eventTypeCategory: "issue",
      affectedEntities: [{ entityValue: "AKIAIOSFODNN7EXAMPLE" }],
    }),
  };
}

async function forwarder(events: EventBridgeClient, name: string): Promise<void> {
  // The StackSet template's rule, as CloudFormation would create it.
  const template = exposureForwarderTemplate({ targetBusArn: MONITOR_BUS }) as {
    Resources: {
      ForwardExposureEvents: { Properties: { EventPattern: unknown; Targets: { Id: string; Arn: string }[] } };
    };
  };
  const rule = template.Resources.ForwardExposureEvents.Properties;
  await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(rule.EventPattern) }));
  await events.send(
    new PutTargetsCommand({ Rule: name, Targets: rule.Targets.map((target) => ({ Id: target.Id, Arn: target.Arn })) }),
  );
}

async function received(): Promise<Record<string, unknown>[]> {
  const sqs = new SQSClient(client(MONITOR_REGION));
  const messages: Record<string, unknown>[] = [];
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      if (Messages.length === 0) return messages;
      messages.push(...Messages.map((message) => JSON.parse(message.Body ?? "{}") as Record<string, unknown>));
    }
  } finally {
    sqs.destroy();
  }
}

beforeAll(async () => {
  moto = await startMotoServer();
  const sqs = new SQSClient(client(MONITOR_REGION));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "exposure-runs" }))).QueueUrl!;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  sqs.destroy();
  // The exposure rule in the monitor's region; its target stands in for the function.
  const monitor = new EventBridgeClient(client(MONITOR_REGION));
  await monitor.send(new PutRuleCommand({ Name: "exposure", EventPattern: JSON.stringify(exposureEventPattern()) }));
  await monitor.send(
    new PutTargetsCommand({ Rule: "exposure", Targets: [{ Id: "function", Arn: Attributes!.QueueArn! }] }),
  );
  monitor.destroy();
});

afterAll(async () => {
  await moto?.stop();
});

it("forwards the monitor account's exposure events from us-east-1 and nothing else", async () => {
  const events = new EventBridgeClient(client("us-east-1"));
  await forwarder(events, "own-forwarder");
  await events.send(
    new PutEventsCommand({
      Entries: [
        healthEvent("AWS_RISK_CREDENTIALS_EXPOSED"),
        healthEvent("AWS_RISK_CREDENTIALS_COMPROMISED"),
        healthEvent("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "EC2"),
        healthEvent("AWS_RISK_CREDENTIALS_EXPOSED", "EC2"),
        { Source: "aws.events", DetailType: "Scheduled Event", Detail: "{}" },
      ],
    }),
  );
  events.destroy();
  const runs = await received();
  expect(runs.map((event) => (event.detail as { eventTypeCode: string }).eventTypeCode).sort()).toEqual([
    "AWS_RISK_CREDENTIALS_COMPROMISED",
    "AWS_RISK_CREDENTIALS_EXPOSED",
  ]);
  // What the function receives is what it recognises, with the key the event names.
  expect(parseRunTrigger(runs[0]).exposure?.accessKeyIds).toEqual(["AKIAIOSFODNN7EXAMPLE"]);
});

it("carries a member account's exposure event to the monitor's bus through the StackSet template's rule", async () => {
  const sts = new STSClient(client("us-east-1"));
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/admin`, RoleSessionName: "member" }),
  );
  sts.destroy();
  const member = new EventBridgeClient(
    client("us-east-1", {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    } as typeof credentials),
  );
  await forwarder(member, "key-age-exposure-forwarder");
  await member.send(new PutEventsCommand({ Entries: [healthEvent("AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED")] }));
  member.destroy();
  const runs = await received();
  expect(runs).toHaveLength(1);
  expect(parseRunTrigger(runs[0]).exposure).toMatchObject({
    eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED",
    accessKeyIds: ["AKIAIOSFODNN7EXAMPLE"],
  });
  // moto re-stamps a forwarded event with the receiving account; AWS keeps the member's `account`,
  // which is what the dispatcher queues (handler/organization/account-message.ts, accountsToQueue).
});
