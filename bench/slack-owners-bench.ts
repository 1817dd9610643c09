// The Slack app at a real company's scale in `npm run bench`: N key owners, each with one flagged key,
// told by the deployment bundle (fresh containers, Lambda's remaining time counting down) through a
// loopback Slack Web API that enforces Slack's tier limits in real time (users.lookupByEmail, Tier 3:
// 50 a minute; chat.postMessage: about one a second per channel). Runs follow each other at once, so
// Slack's windows are still full from the run before: the worst case of a 10-minute schedule.
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, TagUserCommand } from "@aws-sdk/client-iam";
import { mapWithConcurrency } from "../handler/runtime/map-with-concurrency";
import { startFakeSlackWebApi } from "../scripts/lib/fake-slack-web-api";
import { buildBundle, runContainer } from "../scripts/lib/invoke-bundle";
import type { MotoServer } from "../scripts/lib/moto-server";

/** Options of {@link slackOwnersBench}. */
export interface SlackOwnersBenchOptions {
  /** Owners, each with one user and one flagged key. */
  readonly owners: number;
  /** The function's timeout, which each run's remaining time starts from. */
  readonly timeoutSeconds: number;
  /** Known owners given one new key each for the steady-state run. */
  readonly steadyOwners: number;
}

/** One invocation's figures. */
interface RunFigures {
  readonly label: string;
  readonly ok: boolean;
  /** Seconds from the invocation's start to Slack accepting the first channel message, if any. */
  readonly digestAfterS?: number;
  readonly wallS: number;
  /** Seconds from the start to the last request Slack received. */
  readonly lastCallS: number;
  readonly lookups: number;
  readonly lookups429: number;
  readonly directMessages: number;
  readonly pendingAfter: number;
}

const name = (n: number) => `owner-${String(n).padStart(4, "0")}`;
const email = (n: number) => `${name(n)}@example.com`;
const member = (n: number) => `U0B${String(n).padStart(5, "0")}`;

/** Runs the section and returns its text: a table per run and the headline figures. */
export async function slackOwnersBench(
  moto: MotoServer,
  options: SlackOwnersBenchOptions,
  table: (headers: string[], rows: (string | number)[][]) => string,
  progress: (line: string) => void = () => undefined,
): Promise<string> {
  await moto.reset();
  const client = {
    endpoint: moto.endpoint,
    region: moto.awsEnv.AWS_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
  const iam = new IAMClient(client);
  const numbers = Array.from({ length: options.owners }, (_, n) => n);
  await mapWithConcurrency(numbers, 16, async (n) => {
    await iam.send(new CreateUserCommand({ UserName: name(n) }));
    await iam.send(new CreateAccessKeyCommand({ UserName: name(n) }));
    await iam.send(new TagUserCommand({ UserName: name(n), Tags: [{ Key: "key-age:owner", Value: email(n) }] }));
  });
  const dynamodb = new DynamoDBClient(client);
  const tableName = "bench-slack-owners";
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "accessKeyId", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "accessKeyId", AttributeType: "S" }],
    }),
  );
  dynamodb.destroy();
  const slack = await startFakeSlackWebApi({
    users: Object.fromEntries(numbers.map((n) => [email(n), member(n)])),
    channels: ["#key-age"],
  });
  const bundle = buildBundle();
  const env = {
    ...moto.awsEnv,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "#key-age",
    SLACK_API_URL: slack.apiUrl,
    ALERT_STATE_TABLE: tableName,
    // Every key is flagged at once.
    WARNING_AGE: "0m",
    ENVIRONMENT_NAME: "bench",
  };
  const dms = new Map<string, number>();
  const runs: RunFigures[] = [];
  const timeoutMs = options.timeoutSeconds * 1000;
  let invocation = 0;

  const invoke = async (label: string): Promise<RunFigures> => {
    slack.calls.length = 0;
    slack.messages.length = 0;
    const limitedBefore = slack.rateLimited.get("users.lookupByEmail") ?? 0;
    const started = Date.now();
    const container = await runContainer(bundle.bundlePath, env, {
      events: [{ version: "0", id: `bench-slack-${(invocation += 1)}`, "detail-type": "Scheduled Event" }],
      remainingTimeMs: timeoutMs,
    });
    const wallS = (Date.now() - started) / 1000;
    const outcome = container.outcomes[0];
    const owners = outcome?.ok ? (outcome.result.ownerMessages as Record<string, number> | undefined) : undefined;
    const channel = slack.messages.find((message) => message.directTo === undefined);
    const direct = slack.messages.filter((message) => message.directTo !== undefined);
    for (const message of direct) dms.set(message.directTo ?? "", (dms.get(message.directTo ?? "") ?? 0) + 1);
    const figures: RunFigures = {
      label,
      ok: outcome?.ok === true,
      ...(channel ? { digestAfterS: (channel.at - started) / 1000 } : {}),
      wallS,
      lastCallS: Math.max(0, ...slack.calls.map((call) => call.at - started)) / 1000,
      lookups: slack.calls.filter((call) => call.method === "users.lookupByEmail").length,
      lookups429: (slack.rateLimited.get("users.lookupByEmail") ?? 0) - limitedBefore,
      directMessages: direct.length,
      pendingAfter: owners?.pending ?? Number.NaN,
    };
    progress(
      `slack bench ${label}: ${figures.directMessages} DMs, ${figures.lookups} lookups, ${figures.pendingAfter} pending, ${wallS.toFixed(0)} s`,
    );
    runs.push(figures);
    return figures;
  };

  try {
    const started = Date.now();
    let run = await invoke("run 1");
    for (let n = 2; n <= 12 && (run.pendingAfter > 0 || dms.size < options.owners); n += 1) {
      run = await invoke(`run ${n}`);
    }
    const untilAllS = (Date.now() - started) / 1000;
    const toldRuns = runs.length;
    const everyoneOnce = dms.size === options.owners && [...dms.values()].every((count) => count === 1);
    // Steady state: known owners, one new key each; the cache knows their member ids.
    const steady = Math.min(options.steadyOwners, options.owners);
    await mapWithConcurrency(
      Array.from({ length: steady }, (_, n) => n),
      16,
      (n) => iam.send(new CreateAccessKeyCommand({ UserName: name(n) })),
    );
    const steadyRun = await invoke(`steady state (${steady} known owners, a new key each)`);
    const quietRun = await invoke("steady state (nothing new)");
    const rows = runs.map((r) => [
      r.label,
      r.ok ? "ok" : "FAILED",
      r.digestAfterS === undefined ? "-" : r.digestAfterS.toFixed(1),
      r.wallS.toFixed(1),
      r.lastCallS.toFixed(1),
      r.lookups,
      r.lookups429,
      r.directMessages,
      Number.isNaN(r.pendingAfter) ? "-" : r.pendingAfter,
    ]);
    const inside = runs.every((r) => r.ok && r.lastCallS < options.timeoutSeconds && r.wallS < options.timeoutSeconds);
    return [
      `\nSlack app, ${options.owners} owners (one flagged key each), function timeout ${options.timeoutSeconds} s, ` +
        "fake Web API with Slack's tier limits (users.lookupByEmail 50/min), runs back to back in fresh containers:",
      table(
        [
          "run",
          "outcome",
          "digest after s",
          "wall s",
          "last Slack call s",
          "lookups",
          "lookups answered 429",
          "DMs",
          "owners pending after",
        ],
        rows,
      ),
      table(
        ["figure", "value"],
        [
          ["time to the channel digest (run 1)", `${runs[0]?.digestAfterS?.toFixed(1) ?? "-"} s after the start`],
          ["every run inside its deadline", inside ? "yes" : "NO"],
          [`runs until all ${options.owners} owners got a DM`, `${toldRuns} (${untilAllS.toFixed(0)} s back to back)`],
          ["every owner exactly one DM", everyoneOnce ? "yes" : "NO"],
          [`lookups in a steady-state run (${steady} known owners, a new key each)`, String(steadyRun.lookups)],
          ["lookups in a steady-state run (nothing new)", String(quietRun.lookups)],
          [
            "lookups sent while a 429 on users.lookupByEmail still said to wait",
            String(slack.earlyRequests.get("users.lookupByEmail") ?? 0),
          ],
        ],
      ),
    ].join("\n");
  } finally {
    iam.destroy();
    bundle.cleanup();
    await slack.close();
  }
}
