import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { denyAssumeRoleInto, startMotoProxy } from "./moto-proxy";
import type { FakeSlackWebApi } from "./fake-slack-web-api";
import { runContainer } from "./invoke-bundle";
import type { MotoServer } from "./moto-server";
import { closeAccount, seedMemberUsers, seedOrganization, type EmulatorClientConfig } from "./seed-organization";

/** What the organization part of the demo needs from the main demo. */
export interface OrganizationDemoInput {
  readonly moto: MotoServer;
  readonly aws: EmulatorClientConfig;
  readonly slack: FakeSlackWebApi;
  /** The deployed bundle (the same zip serves `index.dispatcher` and `index.worker`) and its environment. */
  readonly bundle: { readonly path: string; readonly env: Readonly<Record<string, string>> };
  readonly step: <T>(title: string, work: () => Promise<T> | T) => Promise<T>;
  readonly printReceived: (slack: FakeSlackWebApi) => void;
}

/**
 * Organization mode on the emulator: three member accounts (stale keys in two), a closed one, and one
 * "without the member role" (a loopback proxy answers its AssumeRole with AccessDenied, since moto
 * lets anyone assume any role). The dispatcher queues the accounts; the queue is drained into the
 * worker as the SQS event source mapping would; Slack shows one digest per account and the failure.
 */
export async function organizationSequence(input: OrganizationDemoInput): Promise<void> {
  const { moto, aws, slack, bundle, step } = input;
  const [payments, analytics, sandbox, closed] = await step(
    "Organization: creating member accounts payments, analytics, sandbox (no member role) and a closed one",
    async () => {
      const accounts = await seedOrganization(aws, ["payments", "analytics", "sandbox", "retired"]);
      const [first, second, third, fourth] = accounts;
      await seedMemberUsers(aws, first.id, ["deployer"]);
      await seedMemberUsers(aws, second.id, ["etl-loader"]);
      await seedMemberUsers(aws, third.id, ["legacy-ci"]);
      await closeAccount(aws, fourth.id);
      return accounts;
    },
  );
  const proxy = await startMotoProxy(moto.endpoint);
  proxy.add(denyAssumeRoleInto([sandbox.id]));
  const sqs = new SQSClient(aws);
  try {
    const { QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "key-age-org-accounts" }));
    const env = {
      ...bundle.env,
      AWS_ENDPOINT_URL: proxy.endpoint,
      ENVIRONMENT_NAME: "org",
      MESSAGE_STYLE: "digest",
      WATCH_USERS: "",
      ENFORCEMENT: "off",
      ACCOUNT_QUEUE_URL: queueUrl,
      // A service-managed StackSet never reaches the management account: leave it out.
      EXCLUDE_ACCOUNTS: "123456789012",
    };
    const dispatched = await step("Organization: the dispatcher queues one message per account in scope", () =>
      runContainer(bundle.path, env, { handlerName: "dispatcher", events: [{ id: "org-tick-1" }] }),
    );
    const summary = dispatched.outcomes[0];
    if (!summary?.ok) throw new Error(`the dispatcher failed: ${JSON.stringify(summary)}\n${dispatched.stderr}`);
    console.log(`  ${JSON.stringify(summary.result)} (account ${closed.id} is closed: skipped and counted)`);

    const messages: Message[] = [];
    for (;;) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
      if (!Messages?.length) break;
      messages.push(...Messages);
    }
    slack.reset();
    const worked = await step(
      `Organization: the worker takes the ${messages.length} messages as the SQS event source mapping delivers them`,
      () =>
        runContainer(bundle.path, env, {
          handlerName: "worker",
          events: [
            {
              Records: messages.map((message) => ({
                messageId: message.MessageId,
                receiptHandle: message.ReceiptHandle,
                body: message.Body,
                eventSource: "aws:sqs",
              })),
            },
          ],
        }),
    );
    const outcome = worked.outcomes[0];
    if (!outcome?.ok) throw new Error(`the worker failed: ${JSON.stringify(outcome)}\n${worked.stderr}`);
    const failed = (outcome.result as unknown as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures;
    console.log(
      `  batchItemFailures: ${failed.length} (the sandbox account's message, retried by SQS, then dead-lettered); ` +
        `payments ${payments.id} and analytics ${analytics.id} alerted`,
    );
    input.printReceived(slack);
    const posted = slack.messages.map((message) => JSON.stringify(message.payload)).join("\n");
    if (!posted.includes(`account ${sandbox.id} (sandbox) could not be scanned`)) {
      throw new Error("the sandbox account's failure was not announced");
    }
    console.log();
  } finally {
    sqs.destroy();
    await proxy.close();
  }
}
