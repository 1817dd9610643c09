import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { accountIdFromArn, resolveAccountId } from "../../../handler/runtime/account-id";

const stsMock = mockClient(STSClient);
const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:210987654321:function:key-age-monitor-prod";

beforeEach(() => stsMock.reset());

describe("accountIdFromArn", () => {
  it.each([
    [FUNCTION_ARN, "210987654321"],
    ["arn:aws:lambda:eu-west-1:210987654321:function:f:live", "210987654321"],
    ["arn:aws:lambda:eu-west-1::function:f", undefined],
    ["not-an-arn", undefined],
    [undefined, undefined],
  ])("reads %j as %j", (arn, expected) => {
    expect(accountIdFromArn(arn)).toBe(expected);
  });
});

describe("resolveAccountId", () => {
  it("takes the account from the function ARN without calling STS", async () => {
    await expect(resolveAccountId(FUNCTION_ARN, () => new STSClient({}))).resolves.toBe("210987654321");
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("falls back to STS GetCallerIdentity outside Lambda", async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" });
    await expect(resolveAccountId(undefined, () => new STSClient({}))).resolves.toBe("123456789012");
  });
});
