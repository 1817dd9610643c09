import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import {
  IAMClient,
  ListAccessKeysCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { startMotoServer, type MotoServer } from "../../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../../scripts/lib/fake-slack";
import { buildBundle, runContainer, type InvocationOutcome } from "../../../../scripts/lib/invoke-bundle";
import type { SlackMessage } from "../../../../handler/slack/slack-message";
import { expectWithinSlackLimits } from "../../support/slack-digest-assertions";
import { motoClientConfig, seedUsers } from "./seed-iam";
import { createStateTable } from "./state-table";
import { startMotoProxy, type MotoProxy } from "../../../../scripts/lib/moto-proxy";
import { ALERT_STATE_SORT_KEY } from "../../../../handler/runtime/aws-contract";

/** Milliseconds per day, hour and minute. */
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** What one invocation of the bundle did, as Slack, the logs and the result show it. */
export interface EnforcementRun {
  readonly outcome: InvocationOutcome;
  /** The enforcement messages, in order. */
  readonly enforcementMessages: readonly SlackMessage[];
  /** Their sections' text, joined. */
  readonly enforcement: string;
  /** The other messages' sections' text, joined. */
  readonly digest: string;
  readonly logLines: readonly Record<string, unknown>[];
}

/**
 * Enforcement through the deployed bundle against moto, a fake Slack and a proxy that can act
 * between two AWS calls (or fail one). Each invocation runs in a fresh container whose clock runs
 * `offsetMs` ahead, so days pass between runs; each case keeps its own alert-state table, since the
 * brake and the stretch are per table (per account).
 */
export class EnforcementHarness {
  private runs = 0;

  private constructor(
    readonly moto: MotoServer,
    readonly slack: FakeSlack,
    readonly proxy: MotoProxy,
    readonly iam: IAMClient,
    readonly dynamodb: DynamoDBClient,
    private readonly bundle: ReturnType<typeof buildBundle>,
  ) {}

  /** Starts moto (keys of users with a listed prefix are that many minutes old), the fake Slack, the proxy, and bundles. */
  static async start(
    ageMinutesByUserPrefix: Readonly<Record<string, number | readonly number[]>>,
  ): Promise<EnforcementHarness> {
    const bundle = buildBundle();
    const [moto, slack] = await Promise.all([
      startMotoServer({ accessKeyAgeMinutesByUserPrefix: ageMinutesByUserPrefix }),
      startFakeSlack(),
    ]);
    const proxy = await startMotoProxy(moto.endpoint);
    const config = motoClientConfig(moto);
    return new EnforcementHarness(moto, slack, proxy, new IAMClient(config), new DynamoDBClient(config), bundle);
  }

  /** Stops everything it started. */
  async close(): Promise<void> {
    this.iam.destroy();
    this.dynamodb.destroy();
    await Promise.all([this.moto.stop(), this.slack.close(), this.proxy.close()]);
    this.bundle.cleanup();
  }

  /** Creates users with one key each; returns each user's key id. */
  async users(names: readonly string[]): Promise<Map<string, string>> {
    const seeded = await seedUsers(this.moto, names);
    return new Map([...seeded].map(([user, [key]]) => [user, key.AccessKeyId!]));
  }

  /** Creates a state table shaped like the stack's: partitioned by account, items sorted by kind. */
  table(name: string): Promise<void> {
    return createStateTable(this.moto, name);
  }

  /** The enforcement items of a table, by key id (`~stretch` for the stretch). */
  async records(table: string): Promise<Map<string, Record<string, unknown>>> {
    const { Items } = await DynamoDBDocumentClient.from(this.dynamodb).send(new ScanCommand({ TableName: table }));
    return new Map(
      (Items ?? [])
        .filter((item) => String(item[ALERT_STATE_SORT_KEY]).startsWith("enforcement#"))
        .map((item) => [String(item[ALERT_STATE_SORT_KEY]).slice("enforcement#".length), item]),
    );
  }

  /** The function's environment: armed, 120d, a 7d notice, the given table and users. */
  env(table: string, users: readonly string[], extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...this.moto.awsEnv,
      AWS_ENDPOINT_URL: this.proxy.endpoint,
      SLACK_WEBHOOK_URL: this.slack.webhookUrl,
      ALERT_STATE_TABLE: table,
      ENVIRONMENT_NAME: "integration",
      SCAN_STRATEGY: "api",
      UNUSED_AGE: "400d",
      ENFORCEMENT: "armed",
      DEACTIVATE_AGE: "120d",
      DEACTIVATION_NOTICE: "7d",
      WATCH_USERS: users.join(","),
      ...extra,
    };
  }

  /** One invocation `offsetMs` ahead of now. */
  async invoke(offsetMs: number, env: Record<string, string>): Promise<EnforcementRun> {
    this.slack.reset();
    this.runs += 1;
    const run = await runContainer(this.bundle.bundlePath, env, {
      clockOffsetMs: offsetMs,
      events: [{ id: `event-${this.runs}`, "detail-type": "Scheduled Event", source: "aws.events", detail: {} }],
    });
    const messages = this.slack.posts.map((post) => post.payload);
    messages.forEach(expectWithinSlackLimits);
    const isEnforcement = (message: SlackMessage) => header(message).startsWith("IAM key enforcement");
    const enforcementMessages = messages.filter(isEnforcement);
    return {
      outcome: run.outcomes[0],
      enforcementMessages,
      enforcement: enforcementMessages.map(sections).join("\n"),
      digest: messages
        .filter((message) => !isEnforcement(message))
        .map(sections)
        .join("\n"),
      logLines: run.logLines,
    };
  }

  /** A key's status in IAM. */
  async statusOf(user: string, id: string): Promise<string | undefined> {
    const { AccessKeyMetadata } = await this.iam.send(new ListAccessKeysCommand({ UserName: user }));
    return AccessKeyMetadata?.find((key) => key.AccessKeyId === id)?.Status;
  }

  /** Switches a key on or off, as a person would. */
  async setStatus(user: string, id: string, status: "Active" | "Inactive"): Promise<void> {
    await this.iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: id, Status: status }));
  }

  /** Tags a user. */
  async tag(user: string, key: string, value: string): Promise<void> {
    await this.iam.send(new TagUserCommand({ UserName: user, Tags: [{ Key: key, Value: value }] }));
  }

  /** Removes a user's tag. */
  async untag(user: string, key: string): Promise<void> {
    await this.iam.send(new UntagUserCommand({ UserName: user, TagKeys: [key] }));
  }
}

/** A key id as messages show it. */
export function masked(id: string): string {
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/** The UTC minute messages name a date with. */
export function minuteOf(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function header(message: SlackMessage): string {
  const first = message.blocks[0];
  return first?.type === "header" ? first.text.text : "";
}

function sections(message: SlackMessage): string {
  return message.blocks.flatMap((block) => (block.type === "section" ? [block.text.text] : [])).join("\n");
}
