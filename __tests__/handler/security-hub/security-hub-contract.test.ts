import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from "../../support/stack-scanner";
import { productArn } from "../../../handler/security-hub/asff-finding";
import {
  SECURITY_HUB_ACTIONS,
  SECURITY_HUB_ACTION_BY_PATH,
  securityHubActions,
  securityHubHubArnPattern,
  securityHubProductArnPattern,
  securityHubStatements,
} from "../../../handler/security-hub/security-hub-contract";
import {
  SECURITY_HUB_VARIABLE,
  parseSecurityHubSetting,
  securityHubEnvironment,
} from "../../../handler/security-hub/security-hub-setting";
import {
  SECURITY_HUB_EXPORT_FAILED_METRIC,
  SECURITY_HUB_FAILED_METRIC,
  securityHubEmbeddedMetrics,
  securityHubLogEntry,
  securityHubMetricValues,
} from "../../../handler/security-hub/security-hub-metrics";
import { METRIC_NAMESPACE } from "../../../handler/runtime/run-metrics";

const PARTS = { partition: "aws", region: "eu-west-1", account: "111122223333" };

describe("the Security Hub contract", () => {
  test("grants nothing when off, and exactly the import and the read when on", () => {
    expect(securityHubActions(false)).toEqual([]);
    expect(securityHubStatements(false, PARTS)).toEqual([]);
    expect([...securityHubActions(true)].sort()).toEqual([
      "securityhub:BatchImportFindings",
      "securityhub:GetFindings",
    ]);
  });

  test("scopes each action to the account's own product and hub, never Resource *", () => {
    const statements = securityHubStatements(true, PARTS);
    expect(statements).toEqual([
      {
        sid: "ImportOwnSecurityHubFindings",
        actions: ["securityhub:BatchImportFindings"],
        resources: ["arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"],
      },
      {
        sid: "ReadOwnSecurityHubFindings",
        actions: ["securityhub:GetFindings"],
        resources: ["arn:aws:securityhub:eu-west-1:111122223333:hub/default"],
      },
    ]);
    for (const statement of statements) {
      expect(statement.resources).not.toContain("*");
      for (const action of statement.actions)
        expect(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(action)).toBe(false);
    }
  });

  test("the policy's product ARN is the one every finding names", () => {
    expect(securityHubProductArnPattern(PARTS)).toBe(productArn({ accountId: PARTS.account, region: PARTS.region }));
  });

  test("takes Terraform references and CloudFormation substitutions as they are", () => {
    expect(
      securityHubHubArnPattern({
        partition: "${AWS::Partition}",
        region: "${data.aws_region.r.name}",
        account: "${AWS::AccountId}",
      }),
    ).toBe("arn:${AWS::Partition}:securityhub:${data.aws_region.r.name}:${AWS::AccountId}:hub/default");
  });

  test("every action the wire map names is declared", () => {
    const declared = new Set<string>([...SECURITY_HUB_ACTIONS.importFindings, ...SECURITY_HUB_ACTIONS.readFindings]);
    expect(new Set(Object.values(SECURITY_HUB_ACTION_BY_PATH))).toEqual(declared);
  });
});

describe("the SECURITY_HUB setting", () => {
  test.each([
    [undefined, false],
    ["", false],
    ["off", false],
    ["on", true],
    [" ON ", true],
  ])("%j is %s", (raw, enabled) => {
    expect(parseSecurityHubSetting(raw)).toEqual({ enabled });
  });

  test("anything else names the variable and quotes the value", () => {
    expect(parseSecurityHubSetting("true")).toEqual({
      enabled: false,
      problem: `${SECURITY_HUB_VARIABLE}="true": expected "on" or "off"`,
    });
  });

  test("the stack sets the variable only when on", () => {
    expect(securityHubEnvironment(true)).toEqual({ SECURITY_HUB: "on" });
    expect(securityHubEnvironment(false)).toEqual({});
    expect(securityHubEnvironment(undefined)).toEqual({});
  });
});

describe("the export's metrics", () => {
  test("a clean export reports 0 failures; a failed one 1, even with nothing to send", () => {
    expect(securityHubMetricValues({ imported: 150, archived: 10, failed: 0 })).toMatchObject({
      [SECURITY_HUB_FAILED_METRIC]: 0,
      [SECURITY_HUB_EXPORT_FAILED_METRIC]: 0,
    });
    expect(securityHubMetricValues({ imported: 0, archived: 0, failed: 0, error: "GetFindings failed" })).toMatchObject(
      {
        [SECURITY_HUB_EXPORT_FAILED_METRIC]: 1,
      },
    );
  });

  test("are Embedded Metric Format in the run's namespace", () => {
    const fields = securityHubEmbeddedMetrics({ imported: 3, archived: 1, failed: 2, error: "x" }, "prod", new Date(0));
    expect(fields).toMatchObject({
      _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [["Environment"]] }] },
      Environment: "prod",
      SecurityHubImportedFindings: 3,
      SecurityHubArchivedFindings: 1,
      SecurityHubFailedFindings: 2,
      SecurityHubExportFailed: 1,
    });
  });
});

describe("the export's log line", () => {
  test("info when every finding was taken, warn with the cause and the rejected findings otherwise", () => {
    expect(securityHubLogEntry({ imported: 2, archived: 1, failed: 0 })).toEqual({
      level: "info",
      message: "Security Hub export finished",
      fields: { securityHub: { imported: 2, archived: 1, failed: 0 } },
    });
    const rejected = [{ id: "x", code: "InvalidInput", message: "bad" }];
    expect(
      securityHubLogEntry({ imported: 0, archived: 0, failed: 1, error: "1 of 1 findings not taken", rejected }),
    ).toEqual({
      level: "warn",
      message: "Security Hub export failed",
      fields: { securityHub: { imported: 0, archived: 0, failed: 1, error: "1 of 1 findings not taken", rejected } },
    });
  });
});
