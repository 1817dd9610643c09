import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { IAMClient, ListAccessKeysCommand, TagUserCommand, type AccessKey } from "@aws-sdk/client-iam";
import type { JsonReport } from "../../../cli/json-report";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import {
  addAccessKey,
  deactivateKey,
  motoClientConfig,
  seedUsers,
  useKey,
} from "../../handler/integration/support/seed-iam";
import { daysAhead, runCli } from "../support/run-cli";

// `key-age scan` as a user runs it (bin/key-age.js in a child process) against moto. moto stamps keys
// with the real time, so future states come from --as-of, the CLI's own forecasting flag.
jest.setTimeout(60_000);

let moto: MotoServer;
let slack: FakeSlack;
let env: Record<string, string>;
let keys: Map<string, AccessKey[]>;
let fullKeyIds: string[];

const mask = (id: string): string => `${id.slice(0, 4)}…${id.slice(-4)}`;
const json = (stdout: string): JsonReport => JSON.parse(stdout) as JsonReport;
const ERIN_EXEMPT_UNTIL = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  // alice: used once; bob: a second, inactive key; carol: never used; erin: exempt by tag.
  keys = await seedUsers(moto, ["alice", "bob", "carol", "erin"]);
  await useKey(moto, keys.get("alice")![0]);
  const bobsOld = await addAccessKey(moto, "bob");
  await deactivateKey(moto, bobsOld);
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(
    // Within MAX_EXEMPTION (365d) of every moment the tests evaluate at (now up to 100 days ahead).
    new TagUserCommand({ UserName: "erin", Tags: [{ Key: "key-age:exempt-until", Value: ERIN_EXEMPT_UNTIL }] }),
  );
  iam.destroy();
  fullKeyIds = [...[...keys.values()].flat().map((key) => key.AccessKeyId!), bobsOld.AccessKeyId!];
  env = { ...moto.awsEnv };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
});

beforeEach(() => slack.reset());

/** Every key's status in IAM, by key id. */
async function keyStates(): Promise<Record<string, string | undefined>> {
  const iam = new IAMClient(motoClientConfig(moto));
  const states: Record<string, string | undefined> = {};
  for (const user of ["alice", "bob", "carol", "erin"]) {
    const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: user }));
    for (const key of AccessKeyMetadata ?? []) states[key.AccessKeyId!] = key.Status;
  }
  iam.destroy();
  return states;
}

describe("--json", () => {
  it("prints one object with an entry per access key", async () => {
    const run = await runCli(["scan", "--json"], env);
    expect(run.code).toBe(0);
    const report = json(run.stdout);
    expect(report).toMatchObject({
      accountId: "123456789012",
      forecast: false,
      usersScanned: 4,
      counts: { exposed: 0, critical: 0, warning: 0, unused: 0, exempt: 0, ok: 4, inactive: 1 },
    });
    expect(report.keys).toHaveLength(5);
    const alice = report.keys.find((key) => key.user === "alice")!;
    expect(alice).toMatchObject({
      accessKeyId: mask(keys.get("alice")![0].AccessKeyId!),
      status: "ok",
      state: "Active",
      ageDays: 0,
      lastUsed: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      lastUsedService: "sts",
    });
    expect(report.keys.find((key) => key.user === "carol")).toMatchObject({ status: "ok", lastUsed: null });
    expect(report.keys.filter((key) => key.user === "bob").map((key) => key.status)).toEqual(["ok", "inactive"]);
    for (const id of fullKeyIds) expect(run.stdout).not.toContain(id);
  });

  it("reports watched users that do not exist", async () => {
    const run = await runCli(["scan", "--json", "--watch-users", "carol,ghost"], env);
    expect(run.code).toBe(0);
    expect(json(run.stdout)).toMatchObject({
      usersScanned: 1,
      missingWatchedUsers: ["ghost"],
      keys: [{ user: "carol" }],
    });
  });
});

describe("table", () => {
  it("prints a plain table grouped by status when stdout is a pipe", async () => {
    const run = await runCli(["scan", "--as-of", "+50d"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("\x1b[");
    expect(run.stdout).toMatch(/^ {2}USER +ACCESS KEY +AGE +LAST USED +STATUS$/m);
    expect(run.stdout).toContain("\nUnused (3)\n");
    expect(run.stdout).toContain("\nExempt (1)\n");
    expect(run.stdout).toContain("\nInactive (1)\n");
    expect(run.stdout).toMatch(
      new RegExp(`^ {2}alice +${mask(keys.get("alice")![0].AccessKeyId!)} +50d +50d ago \\(sts\\) +unused$`, "m"),
    );
    expect(run.stdout).toContain("5 keys of 4 users: 0 critical, 0 warning, 3 unused, 1 exempt, 1 inactive");
    for (const id of fullKeyIds) expect(run.stdout).not.toContain(id);
  });

  it("colours only when asked to, and NO_COLOR wins", async () => {
    const forced = await runCli(["scan"], { ...env, FORCE_COLOR: "1" });
    expect(forced.stdout).toContain("\x1b[32mok\x1b[39m");
    const noColor = await runCli(["scan"], { ...env, FORCE_COLOR: "1", NO_COLOR: "1" });
    expect(noColor.stdout).not.toContain("\x1b[");
  });
});

describe("--as-of", () => {
  it("forecasts: 100 days ahead every fresh key is critical, and the exempt user stays exempt", async () => {
    const asOf = daysAhead(100);
    const run = await runCli(["scan", "--json", "--as-of", asOf], env);
    expect(run.code).toBe(0);
    const report = json(run.stdout);
    expect(report).toMatchObject({ forecast: true, evaluatedAt: `${asOf}T00:00:00.000Z` });
    expect(report.counts).toMatchObject({ critical: 3, warning: 0, unused: 0, exempt: 1, ok: 0, inactive: 1 });
    expect(report.keys.filter((key) => key.status === "critical").map((key) => key.ageDays)).toEqual([99, 99, 99]);
  });

  it("forecasts deactivations with ENFORCEMENT armed in the environment, and never deactivates anything", async () => {
    const before = await keyStates();
    const run = await runCli(["scan", "--json", "--as-of", "+130d"], {
      ...env,
      ENFORCEMENT: "armed",
      DEACTIVATE_AGE: "120d",
      DEACTIVATION_NOTICE: "7d",
    });
    expect(run.code).toBe(0);
    const due = json(run.stdout).keys.filter((key) => key.deactivation && "date" in key.deactivation);
    expect(due.map((key) => key.user).sort()).toEqual(["alice", "bob", "carol"]);
    expect(
      due.every((key) => key.deactivation && "byEvaluatedAt" in key.deactivation && key.deactivation.byEvaluatedAt),
    ).toBe(true);
    expect(await keyStates()).toEqual(before);
  });

  it("rejects a bad value naming --as-of", async () => {
    const run = await runCli(["scan", "--as-of", "next tuesday"], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('--as-of "next tuesday"');
  });
});

describe("--fail-on", () => {
  // Ages: +50d → unused, +85d → warning, +100d → critical (defaults 45d / 80d / 90d).
  it.each([
    [undefined, "+100d", 0],
    ["critical", "+85d", 0],
    ["critical", "+100d", 1],
    ["warning", "+50d", 0],
    ["warning", "+85d", 1],
    ["warning", "+100d", 1],
    ["unused", "+1d", 0],
    ["unused", "+50d", 1],
    ["unused", "+85d", 1],
  ])("--fail-on %s at %s exits %d", async (level, asOf, code) => {
    const run = await runCli(["scan", "--as-of", asOf, ...(level ? ["--fail-on", level] : [])], env);
    expect(run.code).toBe(code);
    expect(run.stdout).toContain("keys of 4 users");
    if (code === 1) expect(run.stderr).toContain(`at or above ${level} (--fail-on ${level})`);
  });

  it("reports the gate in the JSON", async () => {
    const run = await runCli(["scan", "--json", "--as-of", "+85d", "--fail-on", "warning"], env);
    expect(run.code).toBe(1);
    expect(json(run.stdout).failOn).toEqual({ level: "warning", met: true, keys: 3 });
  });
});

describe("--strategy", () => {
  it("lists every key with the API walk, which is what auto means for the CLI", async () => {
    const run = await runCli(["scan", "--json"], { ...env, SCAN_STRATEGY: "auto" });
    expect(json(run.stdout)).toMatchObject({ strategy: "api", unlistedKeys: 0 });
    expect(json(run.stdout).keys).toHaveLength(5);
  });

  it("counts the keys the credential report clears and lists the candidates for --as-of", async () => {
    const now = json((await runCli(["scan", "--json", "--strategy", "credential-report"], env)).stdout);
    expect(now).toMatchObject({ strategy: "credential-report", counts: { ok: 4, inactive: 1 } });
    expect(now.keys.length + now.unlistedKeys).toBe(5);

    const later = json(
      (await runCli(["scan", "--json", "--strategy", "credential-report", "--as-of", "+100d"], env)).stdout,
    );
    expect(later).toMatchObject({ strategy: "credential-report", counts: { critical: 3, exempt: 1 } });
    expect(later.keys.filter((key) => key.status === "critical")).toHaveLength(3);
  });

  it("rejects an unknown strategy naming --strategy", async () => {
    const run = await runCli(["scan", "--strategy", "psychic"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--strategy="psychic"');
  });
});

describe("usage errors", () => {
  it.each([
    [["scan", "--frobnicate"], "--frobnicate"],
    [["scan", "--warning-age", "ninety"], "--warning-age"],
    [["scan", "--fail-on", "severe"], "--fail-on"],
    [["scan", "--warning-age", "100d"], "--warning-age"],
    [["scna"], "scna"],
  ])("%j exits 2 naming %s", async (args, name) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(name);
  });

  it("exits 2 for a bad environment variable, naming it", async () => {
    const run = await runCli(["scan"], { ...env, UNUSED_AGE: "soon" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('UNUSED_AGE="soon"');
  });

  it("prints the help on stdout and exits 0", async () => {
    const run = await runCli(["--help"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: key-age scan [options]");
  });
});

describe("scan failures", () => {
  it("exits 3 and prints the cause when there are no credentials", async () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noCredentials } = env;
    const run = await runCli(["scan"], noCredentials);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/scan failed: .*credentials/i);
    expect(run.stderr).toContain("aws-vault exec");
  });
});

describe("--notify", () => {
  it("posts the digest to Slack as the function would", async () => {
    const run = await runCli(["scan", "--notify", "--json", "--warning-age", "0m", "--environment", "laptop"], {
      ...env,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
    });
    expect(run.code).toBe(0);
    expect(slack.posts).toHaveLength(1);
    const [message] = slack.posts.map((post) => post.payload);
    expect(message.blocks[0]).toMatchObject({
      text: { text: "IAM access keys need attention · laptop · 123456789012" },
    });
    expect(message.text).toContain("0 critical, 3 warning, 0 unused");
    expect(json(run.stdout)).toMatchObject({
      environment: "laptop",
      notification: { outcome: "alerted", messagesPosted: 1 },
    });
    expect(run.stderr).toContain("posted the digest to Slack (1 message)");
    expect(run.stdout + run.stderr).not.toContain(slack.secret);
  });

  it("reads the webhook from SSM and posts nothing when no key needs attention", async () => {
    const ssm = new SSMClient(motoClientConfig(moto));
    await ssm.send(
      new PutParameterCommand({
        Name: "/key-age/cli-test",
        Type: "SecureString",
        Value: slack.webhookUrl,
        Overwrite: true,
      }),
    );
    ssm.destroy();
    const quiet = await runCli(["scan", "--notify"], { ...env, SLACK_WEBHOOK_PARAMETER: "/key-age/cli-test" });
    expect(quiet.code).toBe(0);
    expect(slack.posts).toHaveLength(0);
    expect(quiet.stderr).toContain("nothing posted to Slack");

    const loud = await runCli(["scan", "--notify", "--unused-age", "0m"], {
      ...env,
      SLACK_WEBHOOK_PARAMETER: "/key-age/cli-test",
    });
    expect(loud.code).toBe(0);
    expect(slack.posts).toHaveLength(1);
  });

  it("needs a webhook only with --notify", async () => {
    const run = await runCli(["scan", "--notify"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("SLACK_WEBHOOK_PARAMETER and SLACK_WEBHOOK_URL are both unset");
    expect((await runCli(["scan"], env)).code).toBe(0);
  });

  it("exits 3 naming Slack's reason when the post is refused, after printing the scan", async () => {
    slack.script({ status: 404, body: "channel_not_found" });
    const run = await runCli(["scan", "--notify", "--warning-age", "0m"], {
      ...env,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("Warning (3)");
    expect(run.stderr).toMatch(/Slack delivery failed: .*channel_not_found/);
    expect(run.stdout + run.stderr).not.toContain(slack.secret);
  });

  // Issue case 9: the body was cut before redaction, so half the URL reached stderr.
  it("keeps every part of the webhook's secret out of stderr when Slack echoes the URL in a long error", async () => {
    slack.script({ status: 400, body: `invalid_payload ${"x".repeat(150)} ${slack.webhookUrl} (${slack.secret})` });
    const run = await runCli(["scan", "--notify", "--warning-age", "0m"], {
      ...env,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Slack delivery failed: .*invalid_payload/);
    for (const part of slack.secret.split("/")) expect(run.stdout + run.stderr).not.toContain(part);
    expect(run.stdout + run.stderr).not.toContain(slack.secret.slice(-12, -4));
  });

  it("prints the payload instead of posting it with DRY_RUN=true", async () => {
    const run = await runCli(["scan", "--notify", "--warning-age", "0m"], { ...env, DRY_RUN: "true" });
    expect(run.code).toBe(0);
    expect(slack.posts).toHaveLength(0);
    expect(run.stderr).toContain('"blocks"');
    expect(run.stderr).toContain("DRY_RUN=true");
  });
});
