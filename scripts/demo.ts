/**
 * `npm run demo`: the whole product on a local AWS emulator, no AWS account needed.
 *
 * Starts moto and a loopback Slack Web API; deploys `state-backend` and `monitor-demo` through the
 * real synthesized Terraform (state in the emulated S3 bucket, DynamoDB lock); creates the original's
 * `Demogorgon` user, owned by hopper@hawkins.example, with a key already past the 25-minute critical
 * age; invokes the deployed function bundle the way the Lambda runtime does; shows the channel digest
 * and the owner's direct message it posted as a Slack app; then shows enforcement:
 * the deployed dry run's notice and "would deactivate", then an armed container's notice and
 * deactivation, with the container clock a few minutes ahead; then organization mode (three member
 * accounts, one without the member role: dispatcher, then the worker fed the queue's messages); then
 * destroys the deployment and stops everything it started.
 */
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  type IAMClientConfig,
} from "@aws-sdk/client-iam";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { App } from "cdktf";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bootstrapStateBackend } from "./lib/bootstrap-state-backend";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "./lib/fake-slack-web-api";
import { organizationSequence } from "./lib/demo-organization";
import { runContainer } from "./lib/invoke-bundle";
import { ANSI_STYLE, PLAIN_STYLE, shouldColour } from "../cli/terminal-style";
import { config } from "../environments";
import { buildApp } from "../main";
import { monitorStackName } from "../stacks/monitor-stack";
import { STATE_BACKEND_STACK } from "../stacks/state-backend-stack";
import { motoServerAvailable, startMotoServer, type MotoServer } from "./lib/moto-server";
import { renderSlackForTerminal } from "./lib/render-slack-terminal";
import { waitForStateBackend } from "./lib/state-backend-ready";
import { terraformAvailable, terraformEnvironment, terraformOk } from "./lib/terraform";

const ENVIRONMENT = "demo";
const USER = "Demogorgon";
const OWNER = "hopper@hawkins.example";
const KEY_AGE_MINUTES = 30;
const color = shouldColour({ isTTY: process.stdout.isTTY === true, env: process.env });
const { bold, green } = color ? ANSI_STYLE : PLAIN_STYLE;

async function step<T>(title: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  process.stdout.write(`• ${title} … `);
  const result = await work();
  process.stdout.write(`${green("done")} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return result;
}

/** Fails early, with what to install, when a prerequisite is missing. */
function checkPrerequisites(): void {
  const missing: string[] = [];
  if (!terraformAvailable()) {
    missing.push("terraform ≥ 1.10 is not on PATH: https://developer.hashicorp.com/terraform/install");
  } else {
    const output = execFileSync("terraform", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const version = /Terraform v(\d+)\.(\d+)/.exec(output);
    if (version && (Number(version[1]) < 1 || (Number(version[1]) === 1 && Number(version[2]) < 10))) {
      missing.push(`terraform ≥ 1.10 is needed for S3 lock files, found ${version[0]}`);
    }
  }
  if (!motoServerAvailable()) {
    missing.push("the local AWS emulator is missing: pip install 'moto[server]' (Python 3; or set MOTO_PYTHON)");
  }
  if (missing.length > 0) {
    throw new Error(`npm run demo needs:\n  - ${missing.join("\n  - ")}`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  checkPrerequisites();
  const settings = config.environments[ENVIRONMENT];
  const stack = monitorStackName(ENVIRONMENT);
  const outdir = mkdtempSync(path.join(os.tmpdir(), "key-age-demo-"));
  let moto: MotoServer | undefined;
  let slack: FakeSlackWebApi | undefined;
  let bootstrap: Promise<unknown> | undefined;
  try {
    [moto, slack] = await step("Starting the AWS emulator (moto) and a loopback Slack Web API", () =>
      Promise.all([
        startMotoServer({ accessKeyAgeMinutes: KEY_AGE_MINUTES }),
        startFakeSlackWebApi({ users: { [OWNER]: "U0HOPPER" }, channels: [settings.slackChannel!] }),
      ]),
    );
    console.log(`  moto on ${moto.endpoint}, Slack Web API on ${new URL(slack.apiUrl).origin}`);
    const aws = {
      endpoint: moto.endpoint,
      region: settings.region,
      credentials: { accessKeyId: "demo", secretAccessKey: "demo" },
    };
    const env = { ...moto.awsEnv, ...terraformEnvironment(outdir) };
    const stackDir = (name: string) => path.join(outdir, "stacks", name);

    await step("Synthesizing the cdktf app", () => buildApp(config, new App({ outdir })).synth());
    // The bootstrap creates the bucket and the lock table within seconds, then sits for most of a
    // minute in the AWS provider's fixed wait after the bucket's lifecycle configuration, and moves
    // its own state. The monitor needs only the bucket and the table: it is applied, and the demo goes
    // on, while the bootstrap finishes in the background; the demo waits for it before the destroy.
    console.log(
      `• Bootstrapping ${STATE_BACKEND_STACK} as npm run bootstrap does (bucket + lock table, its state moved into the bucket), ` +
        `in the background: ${stack} needs only the bucket and the lock table`,
    );
    bootstrap = bootstrapStateBackend({ stackDir: stackDir(STATE_BACKEND_STACK), env });
    // Awaited before the destroy (and in `finally`): not an unhandled rejection meanwhile.
    bootstrap.catch(() => undefined);
    const stateBackend = config.stateBackend;
    await step(`terraform apply ${stack} (state in the emulated S3 bucket, DynamoDB lock)`, async () => {
      await waitForStateBackend(
        { ...aws, region: stateBackend.region },
        { bucket: stateBackend.bucket, lockTable: stateBackend.lockTable, bootstrap: bootstrap! },
      );
      await terraformOk(["init", "-input=false"], stackDir(stack), env);
      await terraformOk(["apply", "-auto-approve", "-input=false"], stackDir(stack), env);
    });

    const parameter = settings.slackBotTokenParameter!;
    await step(`Storing the Slack app's bot token as the SSM SecureString ${parameter}`, async () => {
      const ssm = new SSMClient(aws);
      await ssm.send(
        new PutParameterCommand({ Name: parameter, Type: "SecureString", Value: slack!.token, Overwrite: true }),
      );
      ssm.destroy();
    });
    await step(
      `Creating IAM user ${USER} (owner ${OWNER}) with a key created ${KEY_AGE_MINUTES} minutes ago`,
      async () => {
        const iam = new IAMClient(aws);
        await iam.send(new CreateUserCommand({ UserName: USER, Tags: [{ Key: "key-age:owner", Value: OWNER }] }));
        await iam.send(new CreateAccessKeyCommand({ UserName: USER }));
        iam.destroy();
      },
    );

    const bundle = await step("Fetching the deployed function's code and configuration", async () => {
      const lambda = new LambdaClient(aws);
      const deployed = await lambda.send(
        new GetFunctionCommand({ FunctionName: `iam-key-age-monitor-${ENVIRONMENT}` }),
      );
      lambda.destroy();
      const bundleDir = path.join(outdir, "deployed-bundle");
      execFileSync("unzip", ["-q", "-o", deployedZip(stackDir(stack)), "-d", bundleDir]);
      return {
        path: path.join(bundleDir, "index.js"),
        env: {
          ...moto!.awsEnv,
          AWS_REGION: settings.region,
          ...(deployed.Configuration?.Environment?.Variables ?? {}),
          // The one variable the demo adds: the Web API lives on a loopback port, not at slack.com.
          SLACK_API_URL: slack!.apiUrl,
        },
      };
    });

    // Two schedule ticks, each in a fresh container as Lambda would run them: the first announces the
    // stale key, the second finds it already announced (alert state) and stays silent.
    for (const tick of [1, 2]) {
      slack.reset();
      const run = await step(`Schedule tick ${tick}: invoking the deployed bundle as the Lambda runtime would`, () =>
        runContainer(bundle.path, bundle.env, { events: [scheduledEvent(`demo-tick-${tick}`)] }),
      );
      const outcome = run.outcomes[0];
      if (!outcome?.ok) throw new Error(`the function failed: ${JSON.stringify(outcome)}\n${run.stderr}`);
      const { counts, outcome: result, messagesPosted } = outcome.result as Record<string, unknown>;
      console.log(
        `  result: ${String(result)}, keys by status ${JSON.stringify(counts)}, messages posted: ${String(messagesPosted)}`,
      );
      if (tick === 1) {
        printReceived(slack);
        if (!slack.messages.some((message) => message.directTo)) {
          throw new Error("the owner got no direct message: the demo expected one next to the channel digest");
        }
        console.log();
      } else {
        if (slack.messages.length > 0) throw new Error("the second tick posted again: alert state did not hold");
        console.log("  nothing new to announce: Slack stays quiet until the key changes or the 24h reminder is due\n");
      }
    }

    await enforcementSequence(bundle, slack, aws);
    await organizationSequence({ moto, aws, slack, bundle, step, printReceived });

    await step(
      `Waiting for the ${STATE_BACKEND_STACK} bootstrap: its state in s3://${stateBackend.bucket}`,
      () => bootstrap!,
    );
    await step(`terraform destroy ${stack}`, () =>
      terraformOk(["destroy", "-auto-approve", "-input=false"], stackDir(stack), env),
    );
  } finally {
    // Never stop moto under a running bootstrap.
    await bootstrap?.catch(() => undefined);
    await Promise.all([moto?.stop(), slack?.close()]);
    rmSync(outdir, { recursive: true, force: true });
  }
  console.log(
    `\n${green("Demo finished")} in ${((Date.now() - started) / 1000).toFixed(0)} s; the emulator and the fake Slack are stopped.`,
  );
}

const MINUTE = 60_000;

/**
 * Enforcement, close to now: the deployed function runs `enforcement: "dry-run"` (30m deactivation
 * age, 10m notice), so the first tick already named the key with a "would be deactivated" date. The
 * container clock then runs 11 minutes ahead: the dry run says "would deactivate" and IAM is
 * unchanged. Armed (ENFORCEMENT=armed in the container, which `enforcement: "armed"` deploys together
 * with the iam:UpdateAccessKey grant), the dry run's notice does not count: a fresh notice names a date
 * 10 minutes on, and a tick past it deactivates the key and posts the command that restores it.
 */
async function enforcementSequence(
  bundle: { path: string; env: Record<string, string> },
  slack: FakeSlackWebApi,
  aws: IAMClientConfig,
): Promise<void> {
  const ticks: { title: string; offsetMs: number; env?: Record<string, string> }[] = [
    { title: "Dry run, 11 minutes later: the notice period has passed", offsetMs: 11 * MINUTE },
    {
      title: "Armed, same moment: a dry-run notice does not count",
      offsetMs: 11 * MINUTE,
      env: { ENFORCEMENT: "armed" },
    },
    {
      title: "Armed, 22 minutes later: past the armed notice's date",
      offsetMs: 22 * MINUTE,
      env: { ENFORCEMENT: "armed" },
    },
  ];
  for (const [index, tick] of ticks.entries()) {
    slack.reset();
    const run = await step(`Enforcement · ${tick.title}`, () =>
      runContainer(
        bundle.path,
        { ...bundle.env, ...tick.env },
        { clockOffsetMs: tick.offsetMs, events: [scheduledEvent(`demo-enforcement-${index + 1}`)] },
      ),
    );
    const outcome = run.outcomes[0];
    if (!outcome?.ok) throw new Error(`the function failed: ${JSON.stringify(outcome)}\n${run.stderr}`);
    const { enforcement } = outcome.result as { enforcement?: Record<string, unknown> };
    console.log(`  enforcement: ${JSON.stringify(enforcement)}; the key is ${await keyStatus(aws)} in IAM`);
    printReceived(slack);
    console.log();
  }
  if ((await keyStatus(aws)) !== "Inactive") throw new Error("the armed run did not deactivate the key");
}

/** Prints what Slack received, each message under where it went: the channel or an owner's DM. */
function printReceived(slack: FakeSlackWebApi): void {
  for (const message of slack.messages) {
    const where = message.directTo ? `direct message to ${OWNER}` : message.channel;
    console.log(`\n${bold(`Slack received (${where}):`)}`);
    console.log(renderSlackForTerminal(message.payload, { color }));
  }
}

async function keyStatus(aws: IAMClientConfig): Promise<string> {
  const iam = new IAMClient(aws);
  const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: USER }));
  iam.destroy();
  return AccessKeyMetadata?.[0]?.Status ?? "missing";
}

/** An EventBridge scheduled event, as the rule delivers it. */
function scheduledEvent(id: string): Record<string, unknown> {
  return {
    version: "0",
    id,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    time: new Date().toISOString(),
    detail: {},
  };
}

/** The zip the deployed function was created from, as the synthesized stack names it. */
function deployedZip(stackDir: string): string {
  const stack = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  const fn = Object.values(stack.resource.aws_lambda_function)[0] as { filename: string };
  return path.join(stackDir, fn.filename);
}

main().catch((error: Error) => {
  console.error(`\n${error.message}`);
  process.exitCode = 1;
});
