import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { UsageJson } from "../../../cli/render-usage";
import { userAgentFamily } from "../../../handler/usage/user-agent-family";
import {
  type CloudTrailRecord,
  clearLookupRequests,
  lookupRequests,
  mostAcceptedInAnySecond,
  seedCloudTrailEvents,
} from "../../../scripts/lib/moto-cloudtrail";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig, seedUsers } from "../../handler/integration/support/seed-iam";
import { runCli } from "../support/run-cli";

// `key-age usage` as a user runs it (bin/key-age.js in a child process) against moto, with the
// LookupEvents of scripts/moto_server.py: seeded events, 50 a page, 2 requests a second per region,
// ThrottlingException above that.
jest.setTimeout(180_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FOREIGN_KEY = "AKIAFOREIGN000000001";
const AGENTS = [
  "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.100.0 aws-sdk-go-v2/1.36.3",
  "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22",
  "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10 lang/python#3.12.2 Botocore/1.34.51",
  "aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.11.0 api/iam#3.1169.0",
];
const CALLS = [
  ["s3.amazonaws.com", "ListBuckets"],
  ["ec2.amazonaws.com", "DescribeInstances"],
  ["sts.amazonaws.com", "GetCallerIdentity"],
  ["s3.amazonaws.com", "GetBucketPolicy"],
  ["iam.amazonaws.com", "ListUsers"],
] as const;
const IPS = ["203.0.113.10", "198.51.100.20", "192.0.2.30"];

let moto: MotoServer;
let env: Record<string, string>;
let aliceKey: string;
let enabledRegions: string[];
const seeded: CloudTrailRecord[] = [];

/** `count` calls of `key` in `region`, spread over hours back from now, with rotating services, IPs and agents. */
function calls(
  key: string,
  region: string,
  count: number,
  startHoursAgo: number,
  stepHours: number,
): CloudTrailRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const [eventSource, eventName] = CALLS[i % CALLS.length];
    return {
      eventTime: new Date(Date.now() - (startHoursAgo + i * stepHours) * HOUR).toISOString(),
      eventSource,
      eventName,
      awsRegion: region,
      userIdentity: { accessKeyId: key, userName: key === aliceKey ? "alice" : "someone" },
      sourceIPAddress: IPS[i % IPS.length],
      userAgent: AGENTS[i % AGENTS.length],
    };
  });
}

/** What the summary must say about `key`, counted straight from the seeded records. */
function expected(key: string, regions: readonly string[], days: number) {
  const since = Date.now() - days * DAY;
  const mine = seeded.filter(
    (record) =>
      record.userIdentity?.accessKeyId === key &&
      regions.includes(record.awsRegion) &&
      new Date(record.eventTime).getTime() >= since,
  );
  const count = (name: (record: CloudTrailRecord) => string) => {
    const counts = new Map<string, number>();
    for (const record of mine) counts.set(name(record), (counts.get(name(record)) ?? 0) + 1);
    return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  };
  const times = mine.map((record) => new Date(record.eventTime).getTime());
  const byRegion = new Map(count((record) => record.awsRegion));
  return {
    events: mine.length,
    services: count((record) => record.eventSource.replace(".amazonaws.com", "")).map(([service, calls]) => ({
      service,
      calls,
    })),
    actions: count((record) => `${record.eventSource.replace(".amazonaws.com", "")}:${record.eventName}`).map(
      ([action, calls]) => ({ action, calls }),
    ),
    sourceIps: count((record) => record.sourceIPAddress ?? "").map(([ip, calls]) => ({ ip, calls })),
    userAgents: count((record) => userAgentFamily(record.userAgent)).map(([agent, calls]) => ({ agent, calls })),
    regions: count((record) => record.awsRegion).map(([region, calls]) => ({ region, calls })),
    // CloudTrail's times are whole seconds.
    firstSeen: times.length ? new Date(Math.floor(Math.min(...times) / 1000) * 1000).toISOString() : null,
    lastSeen: times.length ? new Date(Math.floor(Math.max(...times) / 1000) * 1000).toISOString() : null,
    /** Pages each region needs: one even without events. */
    pages: Object.fromEntries(
      regions.map((region) => [region, Math.max(1, Math.ceil((byRegion.get(region) ?? 0) / 50))]),
    ),
  };
}

const json = (stdout: string): UsageJson => JSON.parse(stdout) as UsageJson;
const mask = (id: string): string => `${id.slice(0, 4)}…${id.slice(-4)}`;

beforeAll(async () => {
  moto = await startMotoServer();
  env = { ...moto.awsEnv };
  const keys = await seedUsers(moto, ["alice", "bob"]);
  aliceKey = keys.get("alice")![0].AccessKeyId!;
  const bobKey = keys.get("bob")![0].AccessKeyId!;
  seeded.push(
    // 6 pages in us-east-1 within 30 days, 2 more pages' worth 30 to 80 days back.
    ...calls(aliceKey, "us-east-1", 260, 1, 2.5),
    ...calls(aliceKey, "us-east-1", 70, 31 * 24, 16),
    ...calls(aliceKey, "eu-west-1", 70, 3, 7),
    ...calls(aliceKey, "ap-south-1", 3, 5, 1),
    // Beyond the event history's 90 days: never seen.
    ...calls(aliceKey, "us-east-1", 2, 95 * 24, 1),
    ...calls(bobKey, "us-east-1", 30, 1, 1),
    ...calls(FOREIGN_KEY, "eu-west-1", 2, 1, 1),
  );
  await seedCloudTrailEvents(moto.endpoint, seeded);
  // moto builds its EC2 backend on the first EC2 call, which takes seconds: pay for it here, once.
  const ec2 = new EC2Client(motoClientConfig(moto));
  const { Regions = [] } = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
  ec2.destroy();
  enabledRegions = Regions.filter((region) => region.OptInStatus !== "not-opted-in")
    .map((region) => region.RegionName!)
    .sort();
});

afterAll(async () => {
  await moto?.stop();
});

describe("key-age usage", () => {
  it("counts every page of the key's events, summarises them and keeps to 2 requests a second per region", async () => {
    await clearLookupRequests(moto.endpoint);
    const regions = ["us-east-1", "eu-west-1"];
    const run = await runCli(["usage", aliceKey, "--regions", regions.join(","), "--json"], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = json(run.stdout);
    const want = expected(aliceKey, regions, 90);
    expect(want.events).toBe(400);
    expect(report).toMatchObject({
      accessKeyId: mask(aliceKey),
      user: "alice",
      days: 90,
      regionsChecked: ["eu-west-1", "us-east-1"],
      regionErrors: [],
      events: want.events,
      services: want.services,
      actions: want.actions,
      sourceIps: want.sourceIps,
      userAgents: want.userAgents,
      regions: want.regions,
      firstSeen: want.firstSeen,
      lastSeen: want.lastSeen,
    });
    expect(report.userAgents.map((entry) => entry.agent).sort()).toEqual(
      ["Boto3", "SDK for JavaScript", "Terraform", "aws-cli"].sort(),
    );
    expect(new Date(report.to).getTime() - new Date(report.from).getTime()).toBe(90 * DAY);
    expect(report.caveats[0]).toMatch(/^Management events only/);
    expect(report.caveats[1]).toMatch(/^Window: .* \(90 days\)/);
    expect(report.caveats[2]).toBe(
      "Regions checked: 2 (eu-west-1, us-east-1); calls in other regions are not counted.",
    );
    expect(run.stdout).not.toContain(aliceKey);

    // Every page was read, and the shim never had to throttle: the limiter kept to the limit.
    const log = await lookupRequests(moto.endpoint);
    for (const region of regions) {
      const mine = log.filter((request) => request.region === region);
      expect({ region, requests: mine.length }).toEqual({ region, requests: want.pages[region] });
      expect(mine.filter((request) => request.throttled)).toEqual([]);
      expect(mostAcceptedInAnySecond(log, region)).toBeLessThanOrEqual(2);
    }
    expect(want.pages["us-east-1"]).toBe(7);
  });

  it("reads every enabled region by default, over the --days window", async () => {
    await clearLookupRequests(moto.endpoint);
    const run = await runCli(["usage", aliceKey, "--days", "30", "--json"], env);
    expect(run.code).toBe(0);
    const report = json(run.stdout);
    const want = expected(aliceKey, enabledRegions, 30);
    expect(report).toMatchObject({
      days: 30,
      regionsChecked: enabledRegions,
      events: want.events,
      services: want.services,
      regions: want.regions,
      firstSeen: want.firstSeen,
    });
    expect(report.regions.map((entry) => entry.region).sort()).toEqual(["ap-south-1", "eu-west-1", "us-east-1"]);
    expect(enabledRegions).not.toContain("ap-east-1");
    const log = await lookupRequests(moto.endpoint);
    expect(new Set(log.map((request) => request.region))).toEqual(new Set(enabledRegions));
    expect(log.filter((request) => request.throttled)).toEqual([]);
    for (const region of enabledRegions) expect(mostAcceptedInAnySecond(log, region)).toBeLessThanOrEqual(2);
  });

  it("backs off when someone else uses the region's quota, and still counts every page", async () => {
    await clearLookupRequests(moto.endpoint);
    // A noisy neighbour in the same account and region keeps the region's quota spent (five requests a
    // second against its two) from before the CLI starts until the CLI has met a throttle, then goes
    // quiet so the CLI's backoff can finish: the CLI meets a throttle however fast or slowly a busy
    // machine lets it page (answering each CLI request with a burst could miss a CLI paging fast).
    const neighbour = new CloudTrailClient({
      ...motoClientConfig(moto),
      maxAttempts: 1,
      customUserAgent: "noisy-neighbour",
    });
    let running = true;
    const noise = (async () => {
      const until = Date.now() + 60_000;
      while (running && Date.now() < until) {
        await neighbour.send(new LookupEventsCommand({ MaxResults: 1 })).catch(() => undefined);
        const cliThrottled = (await lookupRequests(moto.endpoint)).some(
          (request) => request.throttled && !request.userAgent.includes("noisy-neighbour"),
        );
        if (cliThrottled) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    let run: Awaited<ReturnType<typeof runCli>>;
    try {
      run = await runCli(["usage", aliceKey, "--regions", "us-east-1", "--json"], env);
    } finally {
      running = false;
      await noise;
      neighbour.destroy();
    }
    expect(run.code).toBe(0);
    const want = expected(aliceKey, ["us-east-1"], 90);
    expect(json(run.stdout)).toMatchObject({ events: want.events, services: want.services, regionErrors: [] });
    const cli = (await lookupRequests(moto.endpoint)).filter(
      (request) => !request.userAgent.includes("noisy-neighbour"),
    );
    expect(cli.filter((request) => request.throttled).length).toBeGreaterThan(0);
    expect(cli.filter((request) => !request.throttled)).toHaveLength(want.pages["us-east-1"]);
  });

  it("prints a report with the caveats on a pipe", async () => {
    const run = await runCli(["usage", aliceKey, "--regions", "eu-west-1"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Access key ${mask(aliceKey)} · user alice\n`));
    expect(run.stdout).toContain("\n70 calls · first ");
    expect(run.stdout).toMatch(/^ {2}SERVICE +CALLS$/m);
    expect(run.stdout).toMatch(/^ {2}USER AGENT +CALLS$/m);
    expect(run.stdout).toContain("\nCaveats:\n- Management events only");
    expect(run.stdout).toContain("- us-east-1 was not checked: calls to global services");
    expect(run.stdout).not.toContain("\x1b[");
  });

  it("summarises a key of no IAM user of the account, and says the user is unknown", async () => {
    const run = await runCli(["usage", FOREIGN_KEY, "--regions", "eu-west-1", "--json"], env);
    expect(run.code).toBe(0);
    const report = json(run.stdout);
    expect(report).toMatchObject({ user: null, events: 2 });
    expect(report.caveats).toContainEqual(expect.stringMatching(/user is unknown: .*NoSuchEntity/));
  });

  it.each([
    [["--days", "91"], '--days "91"'],
    [["--regions", "xx-fake-1"], '--regions "xx-fake-1": not a region'],
    [["--regions", "us-east-1,ap-east-1"], '--regions "ap-east-1": not enabled in this account'],
  ])("%j: exits 2 with one line naming the flag and the value", async (flags, message) => {
    const run = await runCli(["usage", aliceKey, ...flags], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 naming a malformed access key id", async () => {
    const run = await runCli(["usage", "AKIA-not-a-key"], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'key-age usage: access key id "AKIA-not-a-key": expected AKIA and 16 upper-case letters or digits, ' +
        "an IAM user's access key id (see key-age usage --help)\n",
    );
  });
});
