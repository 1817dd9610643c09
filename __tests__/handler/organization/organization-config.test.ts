import { ConfigError } from "../../../handler/runtime/config/config";
import { loadOrganizationConfig } from "../../../handler/organization/organization-config";

describe("loadOrganizationConfig", () => {
  it("defaults the member role and leaves the lists empty", () => {
    expect(loadOrganizationConfig({})).toEqual({
      memberRoleName: "key-age-member-reader",
      includeAccounts: [],
      excludeAccounts: [],
      includeOrganizationalUnits: [],
      excludeOrganizationalUnits: [],
      staleAccountAfterMs: 24 * 3_600_000,
    });
  });

  it("reads every variable", () => {
    expect(
      loadOrganizationConfig({
        MEMBER_ROLE_NAME: "auditor",
        INCLUDE_ACCOUNTS: "111111111111",
        EXCLUDE_OUS: "ou-ab12-cd34ef56",
        ACCOUNT_QUEUE_URL: "https://sqs.example/q",
      }),
    ).toMatchObject({
      memberRoleName: "auditor",
      includeAccounts: ["111111111111"],
      excludeOrganizationalUnits: ["ou-ab12-cd34ef56"],
      accountQueueUrl: "https://sqs.example/q",
    });
  });

  it("collects every problem, naming the variable and the value", () => {
    let error: ConfigError | undefined;
    try {
      loadOrganizationConfig({
        ORGANIZATION_ACCOUNTS: "1",
        INCLUDE_OUS: "finance",
        MEMBER_ROLE_NAME: "a b",
        STALE_ACCOUNT_AFTER: "soon",
      });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error?.problems).toEqual([
      'MEMBER_ROLE_NAME: "a b" is not an IAM role name',
      'ORGANIZATION_ACCOUNTS: "1" is not a 12-digit AWS account id',
      expect.stringMatching(/^STALE_ACCOUNT_AFTER "soon": expected a whole number/),
      'INCLUDE_OUS: "finance" is not an organizational unit id (ou-xxxx-xxxxxxxx or r-xxxx)',
      "ORGANIZATION_ACCOUNTS cannot be combined with INCLUDE_OUS/EXCLUDE_OUS",
    ]);
  });
});
