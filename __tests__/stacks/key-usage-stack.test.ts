import { KEY_USAGE_ACTIONS } from "../../handler/runtime/aws-contract";
import { config } from "../../environments";
import type { EnvironmentSettings, ProjectConfig } from "../../stacks/environment-config";
import { scanStack } from "../support/stack-scanner";
import { configProblems, synthStack, withEnvironment } from "./support/project-config";

// KEY_USAGE=on at synth: the CloudTrail grant (from the declared contract) exists only when the
// setting is on, and only in single-account mode; organization mode refuses the field.
interface Statement {
  sid?: string;
  actions: string[];
  resources: string[];
}

function synth(projectConfig: ProjectConfig) {
  const { parsed } = synthStack("monitor-dev", projectConfig);
  const documents = Object.values(
    (parsed.data.aws_iam_policy_document ?? {}) as Record<string, { statement: Statement[] }>,
  );
  const fn = Object.values(parsed.resource.aws_lambda_function as Record<string, Record<string, unknown>>).find(
    (resource) => resource.function_name === "iam-key-age-monitor-dev",
  ) as { environment: { variables: Record<string, string> } };
  return {
    parsed,
    statements: documents.flatMap((document) => document.statement),
    variables: fn.environment.variables,
  };
}

const usageStatements = (statements: readonly Statement[]) =>
  statements.filter((statement) =>
    statement.actions.some((action) => (KEY_USAGE_ACTIONS as readonly string[]).includes(action)),
  );

describe("KEY_USAGE at synth", () => {
  test("off by default and when false: no CloudTrail action, no variable", () => {
    for (const settings of [{}, { keyUsage: false }]) {
      const off = synth(withEnvironment(settings));
      expect(usageStatements(off.statements)).toEqual([]);
      expect(off.variables.KEY_USAGE).toBeUndefined();
    }
  });

  test("on: the function's role gets exactly the contract's actions, and the variable is deployed", () => {
    const on = synth(withEnvironment({ keyUsage: true }));
    expect(on.variables.KEY_USAGE).toBe("on");
    expect(usageStatements(on.statements)).toEqual([
      { sid: "LookupKeyUsage", actions: [...KEY_USAGE_ACTIONS], resources: ["*"] },
    ]);
    expect(scanStack("monitor-dev", on.parsed)).toEqual([]);
  });

  test("a value of the wrong shape is named by field, as the loader words it", () => {
    expect(configProblems(withEnvironment({ keyUsage: "on" }))).toEqual([
      expect.stringMatching(/environment "dev": field "keyUsage".*true or false/),
    ]);
  });

  test("needs the alert state, named by field", () => {
    expect(configProblems(withEnvironment({ keyUsage: true, alertState: false }))).toEqual([
      expect.stringMatching(/field "keyUsage".*alertState/),
    ]);
  });

  test("organization mode refuses it with a clear reason", () => {
    const org: ProjectConfig = {
      ...config,
      environments: { org: { ...config.environments.org, keyUsage: true } as EnvironmentSettings },
    };
    expect(configProblems(org)).toEqual([
      expect.stringContaining('environment "org": field "keyUsage" (true) is not available with "organization"'),
    ]);
  });
});
