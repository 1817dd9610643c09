import type { OrganizationJsonReport } from "../../../cli/organization-report";
import { denyAssumeRoleInto, startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import {
  closeAccount,
  seedMemberUsers,
  seedOrganization,
  type SeededAccount,
} from "../../handler/integration/support/seed-organization";
import { runCli } from "../support/run-cli";

// `key-age scan --organization` against moto's organization: three member accounts, stale keys in two,
// and one whose member role is "missing" (the proxy answers its AssumeRole with AccessDenied, as AWS
// would; moto itself lets anyone assume any role).
jest.setTimeout(90_000);

let moto: MotoServer;
let proxy: MotoProxy;
let env: Record<string, string>;
let payments: SeededAccount;
let analytics: SeededAccount;
let sandbox: SeededAccount;
let closed: SeededAccount;

beforeAll(async () => {
  // Users named stale-* get keys created 100 days ago: critical at the default 90d.
  moto = await startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } });
  [payments, analytics, sandbox, closed] = await seedOrganization(moto, ["payments", "analytics", "sandbox", "gone"]);
  await seedMemberUsers(moto, payments.id, ["stale-deployer", "fresh-ci"]);
  await seedMemberUsers(moto, analytics.id, ["stale-etl"]);
  await seedMemberUsers(moto, sandbox.id, ["stale-hidden"]);
  await closeAccount(moto, closed.id);
  proxy = await startMotoProxy(moto.endpoint);
  proxy.add(denyAssumeRoleInto([sandbox.id]));
  env = { ...moto.awsEnv, AWS_ENDPOINT_URL: proxy.endpoint };
});

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

describe("key-age scan --organization", () => {
  it("scans every active account, reports the one it cannot enter and exits non-zero", async () => {
    const run = await runCli(["scan", "--organization", "--json"], env);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as OrganizationJsonReport;
    const critical = report.keys.filter((key) => key.status === "critical");
    expect(critical.map((key) => [key.account, key.user]).sort()).toEqual(
      [
        [analytics.id, "stale-etl"],
        [payments.id, "stale-deployer"],
      ].sort(),
    );
    expect(report.keys.find((key) => key.user === "fresh-ci")).toMatchObject({ account: payments.id, status: "ok" });
    expect(report.accountErrors).toEqual([{ account: sandbox.id, error: expect.stringContaining("AccessDenied") }]);
    expect(report.accountErrors[0].error).toContain(`arn:aws:iam::${sandbox.id}:role/key-age-member-reader`);
    expect(report.skippedAccounts).toEqual([{ account: closed.id, state: "SUSPENDED" }]);
    expect(report.accounts.map((account) => account.accountName).sort()).toEqual(
      ["analytics", "master", "payments"].sort(),
    );
    expect(run.stderr).toContain(`account ${sandbox.id} (sandbox): could not be scanned`);
    expect(run.stderr).toMatch(/1 of 4 accounts could not be scanned/);
    expect(proxy.answered.get("AssumeRole")).toBeGreaterThan(0);
  });

  it("prints a table per account and names the failed account below them", async () => {
    const run = await runCli(["scan", "--organization", "--role-name", "auditor", "--account-concurrency", "1"], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`account ${payments.id} (payments)`);
    expect(run.stdout).toContain(`account ${analytics.id} (analytics)`);
    expect(run.stdout).toMatch(/Accounts: 3 scanned, 1 failed, 1 suspended or closed skipped/);
    expect(run.stdout).toContain(`account ${sandbox.id} (sandbox) could not be scanned`);
    expect(run.stdout).toContain(`role/auditor`);
    expect(run.stdout).not.toContain("stale-hidden");
  });

  it("--accounts scans only the listed accounts and exits by --fail-on when all succeed", async () => {
    const run = await runCli(
      ["scan", "--accounts", `${payments.id},${analytics.id}`, "--json", "--fail-on", "critical"],
      env,
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as OrganizationJsonReport;
    expect(report.accountErrors).toEqual([]);
    expect(new Set(report.keys.map((key) => key.account))).toEqual(new Set([payments.id, analytics.id]));
    expect(report.failOn).toEqual({ level: "critical", met: true, keys: 2 });
  });

  it("rejects a malformed account id with the flag's name", async () => {
    const run = await runCli(["scan", "--accounts", "12345"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--accounts: "12345" is not a 12-digit AWS account id');
  });
});
