import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetAccessKeyLastUsedCommand, IAMClient } from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { USAGE_COMMAND_PERMISSIONS } from "../../../cli/usage-options";
import { KEY_USAGE_ACTIONS, USER_SCOPED_IAM_ACTIONS } from "../../../handler/runtime/aws-contract";
import { accessKeyUser } from "../../../handler/usage/access-key-user";
import { describeRegions } from "../../../handler/usage/describe-regions";
import { lookupKeyEvents } from "../../../handler/usage/lookup-key-events";

// `key-age usage` documents its permissions from aws-contract.ts (its --help and the README): every
// call its edges make must be declared there, as the function's are.
const ACTION_OF_COMMAND: Record<string, string> = {
  LookupEventsCommand: "cloudtrail:LookupEvents",
  DescribeRegionsCommand: "ec2:DescribeRegions",
  GetAccessKeyLastUsedCommand: "iam:GetAccessKeyLastUsed",
};

describe("the usage edges and the declared contract", () => {
  test("every call of key-age usage is declared, and every declared action is called", async () => {
    const cloudTrail = mockClient(CloudTrailClient);
    const ec2 = mockClient(EC2Client);
    const iam = mockClient(IAMClient);
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [] });
    ec2
      .on(DescribeRegionsCommand)
      .resolves({ Regions: [{ RegionName: "us-east-1", OptInStatus: "opt-in-not-required" }] });
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: "alice" });
    try {
      await describeRegions(new EC2Client({ region: "us-east-1" }));
      await accessKeyUser(new IAMClient({ region: "us-east-1" }), "AKIAIOSFODNN7EXAMPLE");
      await lookupKeyEvents({
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        regions: ["us-east-1"],
        from: new Date(Date.now() - 86_400_000),
        to: new Date(),
        onEvents: () => undefined,
        clientConfig: { credentials: { accessKeyId: "a", secretAccessKey: "b" } },
      });
      const sent = new Set(
        [...cloudTrail.calls(), ...ec2.calls(), ...iam.calls()].map(
          (call) => ACTION_OF_COMMAND[(call.args[0] as object).constructor.name] ?? "undeclared",
        ),
      );
      expect([...sent].sort()).toEqual([...USAGE_COMMAND_PERMISSIONS].sort());
      expect([...KEY_USAGE_ACTIONS, ...USER_SCOPED_IAM_ACTIONS]).toEqual(expect.arrayContaining([...sent]));
    } finally {
      cloudTrail.restore();
      ec2.restore();
      iam.restore();
    }
  });
});
