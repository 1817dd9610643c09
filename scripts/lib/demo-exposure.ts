import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import type { FakeSlackWebApi } from "./fake-slack-web-api";
import { runContainer } from "./invoke-bundle";
import type { EmulatorClientConfig } from "./seed-organization";
import { healthExposureEvent } from "./health-event";

/** What the exposed-key part of the demo needs from the main demo. */
export interface ExposureDemoInput {
  readonly aws: EmulatorClientConfig;
  readonly slack: FakeSlackWebApi;
  /** The deployed bundle and its environment. */
  readonly bundle: { readonly path: string; readonly env: Readonly<Record<string, string>> };
  readonly step: <T>(title: string, work: () => Promise<T> | T) => Promise<T>;
  readonly printReceived: (slack: FakeSlackWebApi) => void;
  /** The owner address the demo's fake Slack knows. */
  readonly owner: string;
}

const USER = "Eleven";
const QUARANTINE_POLICY = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3";

/**
 * An exposed key: AWS found Eleven's key in public, attached its quarantine policy to the user and
 * sent an AWS Health event. moto has no AWS Health, so the demo hands the deployed bundle the event
 * the exposure rule would deliver; Eleven is not in the demo's WATCH_USERS, and the key is named
 * anyway, as exposed, with AWS's guidance, in the channel and in the owner's direct message.
 */
export async function exposureSequence(input: ExposureDemoInput): Promise<void> {
  const { aws, slack, bundle, step } = input;
  const accessKeyId = await step(
    `Exposed key: AWS quarantines IAM user ${USER} (owner ${input.owner}) and sends an AWS Health event`,
    async () => {
      const iam = new IAMClient(aws);
      try {
        await iam.send(new CreateUserCommand({ UserName: USER, Tags: [{ Key: "key-age:owner", Value: input.owner }] }));
        const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: USER }));
        await iam.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: QUARANTINE_POLICY }));
        return AccessKey?.AccessKeyId ?? "";
      } finally {
        iam.destroy();
      }
    },
  );
  slack.reset();
  const run = await step("Exposed key: invoking the deployed bundle with the AWS Health event", () =>
    runContainer(bundle.path, bundle.env, {
      events: [healthExposureEvent({ accessKeyIds: [accessKeyId], id: "demo-health-event-1" })],
    }),
  );
  const outcome = run.outcomes[0];
  if (!outcome?.ok) throw new Error(`the function failed: ${JSON.stringify(outcome)}\n${run.stderr}`);
  console.log(`  result: keys by status ${JSON.stringify(outcome.result.counts)}`);
  if ((outcome.result.counts.exposed ?? 0) < 1) throw new Error("the demo expected the key to be named exposed");
  input.printReceived(slack);
  console.log();
}
