import { AttachUserPolicyCommand, IAMClient, type AccessKey } from "@aws-sdk/client-iam";
import type { JsonReport } from "../../../cli/json-report";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig, seedUsers } from "../../handler/integration/support/seed-iam";
import { runCli } from "../support/run-cli";

// `key-age scan` against moto with AWS's quarantine policies loaded: a key AWS quarantined two days
// after its creation is exposed, listed first, and fails the exit code without --fail-on.
jest.setTimeout(60_000);

let moto: MotoServer;
let env: Record<string, string>;
let keys: Map<string, AccessKey[]>;

const mask = (id: string): string => `${id.slice(0, 4)}…${id.slice(-4)}`;

beforeAll(async () => {
  moto = await startMotoServer({
    managedPolicies: "quarantine",
    accessKeyAgeMinutesByUserPrefix: { leaky: 2 * 24 * 60 },
  });
  keys = await seedUsers(moto, ["leaky", "fine"]);
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: "leaky",
      PolicyArn: "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3",
    }),
  );
  iam.destroy();
  env = { ...moto.awsEnv };
});

afterAll(async () => {
  await moto?.stop();
});

it.each(["api", "credential-report"])(
  "reports the quarantined 2-day-old key as exposed and exits 1 (--strategy %s)",
  async (strategy) => {
    const run = await runCli(["scan", "--json", "--strategy", strategy], env);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.counts).toMatchObject({ exposed: 1, critical: 0, ok: 1 });
    expect(report.keys[0]).toMatchObject({
      user: "leaky",
      accessKeyId: mask(keys.get("leaky")![0]!.AccessKeyId!),
      status: "exposed",
      ageDays: 2,
      exposure: { quarantinePolicies: ["AWSCompromisedKeyQuarantineV3"] },
      remediation: expect.stringContaining("rotate it now"),
    });
    expect(report.failOn).toBeUndefined();
    expect(run.stderr).toContain("key-age: 1 key is exposed: AWS reports it leaked");
  },
);

it("lists it first in the table and meets --fail-on exposed", async () => {
  const run = await runCli(["scan", "--fail-on", "exposed"], env);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/\nExposed \(1\)\n {2}leaky +AKIA…\w{4} +2d +never +exposed\n/);
  expect(run.stdout).toContain("2 keys of 2 users: 1 exposed, 0 critical, 0 warning, 0 unused, 1 ok");
  expect(run.stdout).toContain("Exposed: leaky AKIA");
  expect(run.stderr).toContain("1 key is at or above exposed (--fail-on exposed)");
});
