import { deployCommand, parseDeployArguments } from "../../scripts/deploy";

describe("deployCommand", () => {
  test("wraps cdktf in aws-vault exec with the environment's profile, as the original did", () => {
    expect(deployCommand("deploy", "prod")).toEqual({
      command: "aws-vault",
      args: ["exec", "key-age-prod", "--", "npx", "cdktf", "deploy", "monitor-prod"],
    });
  });

  test("passes --no-session to aws-vault and extra arguments to cdktf", () => {
    expect(deployCommand("destroy", "dev", { noSession: true, cdktfArgs: ["--auto-approve"] }).args).toEqual([
      "exec",
      "--no-session",
      "key-age-dev",
      "--",
      "npx",
      "cdktf",
      "destroy",
      "monitor-dev",
      "--auto-approve",
    ]);
  });

  test("runs cdktf directly when aws-vault is not wanted or no profile is configured", () => {
    expect(deployCommand("diff", "prod", { useAwsVault: false })).toEqual({
      command: "npx",
      args: ["cdktf", "diff", "monitor-prod"],
    });
    expect(deployCommand("diff", "demo")).toEqual({ command: "npx", args: ["cdktf", "diff", "monitor-demo"] });
  });

  test("bootstraps the state backend with its own profile", () => {
    expect(deployCommand("deploy", "state-backend").args).toEqual([
      "exec",
      "key-age-admin",
      "--",
      "npx",
      "cdktf",
      "deploy",
      "state-backend",
    ]);
  });

  test("names the unknown environment and the known ones", () => {
    expect(() => deployCommand("deploy", "staging")).toThrow(
      'unknown environment "staging": environments.ts defines dev, prod, demo, org, state-backend',
    );
    expect(() => deployCommand("apply", "dev")).toThrow('unknown command "apply": use diff, deploy, destroy');
  });
});

describe("parseDeployArguments", () => {
  test("takes the verb, the target and the flags, and passes everything after -- to cdktf", () => {
    expect(parseDeployArguments(["diff", "dev", "--no-aws-vault", "--dry-run", "--", "--auto-approve"])).toEqual({
      verb: "diff",
      target: "dev",
      flags: { "no-aws-vault": true, "no-session": false, "dry-run": true },
      cdktfArgs: ["--auto-approve"],
    });
    expect(parseDeployArguments(["--no-session", "deploy", "prod"]).flags["no-session"]).toBe(true);
  });

  test("names an unknown flag and the known ones", () => {
    expect(() => parseDeployArguments(["deploy", "dev", "--frobnicate"])).toThrow(
      "Unknown option '--frobnicate': use --no-aws-vault, --no-session, --dry-run",
    );
  });

  test("asks for the verb and the target, and refuses extra arguments", () => {
    expect(() => parseDeployArguments(["deploy"])).toThrow(/^usage: deploy <diff\|deploy\|destroy>/);
    expect(() => parseDeployArguments(["deploy", "dev", "prod"])).toThrow('unexpected argument "prod"');
  });
});
