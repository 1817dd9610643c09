import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetFunctionCommand, LambdaClient, ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import {
  CreateOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { App } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { config } from "../../environments";
import { buildApp } from "../../main";
import { bootstrapStateBackend } from "../../scripts/lib/bootstrap-state-backend";
import { type MotoServer, startMotoServer } from "../../scripts/lib/moto-server";
import { seedOrganization, type SeededAccount } from "../../scripts/lib/seed-organization";
import { waitForStateBackend } from "../../scripts/lib/state-backend-ready";
import { terraform, terraformEnvironment, terraformOk } from "../../scripts/lib/terraform";
import type { ProjectConfig } from "../../stacks/environment-config";

// The organization stacks applied by Terraform on moto: the shipped `org` environment, pointed at the
// organization and root that moto created (the shipped ids are examples). What moto cannot show is
// listed in the README (Organization mode, "Tested on moto").
// Per test: the apply (with the bootstrap finishing beside it) took 93 s beside the other e2e files on
// a 2-core machine shared with other test suites, and stayed under 300 s there beside the whole suite.
jest.setTimeout(300_000);

const WORKER = "iam-key-age-monitor-org";
const STACK_SET = "key-age-member-role";
const EXPOSURE_STACK_SET = "key-age-exposure-forwarder";

describe("terraform apply of monitor-org on a local AWS emulator", () => {
  let moto: MotoServer;
  let outdir: string;
  let env: Record<string, string>;
  let members: SeededAccount[];
  let bootstrapped: Promise<unknown> | undefined;
  const region = config.environments.org?.region ?? "eu-west-1";
  const stackDir = (name: string) => path.join(outdir, "stacks", name);
  const clientConfig = () => ({
    endpoint: moto.endpoint,
    region,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });

  beforeAll(async () => {
    moto = await startMotoServer();
    members = await seedOrganization(clientConfig(), ["payments", "sandbox"]);
    const org = new OrganizationsClient(clientConfig());
    const organizationId = (await org.send(new DescribeOrganizationCommand({}))).Organization?.Id ?? "";
    const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? "";
    // The StackSet targets an OU holding the member accounts: moto deploys a StackSet aimed at the
    // root into the management account too (AWS never does), where the stack's own member role exists.
    const { OrganizationalUnit } = await org.send(
      new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "workloads" }),
    );
    const unitId = OrganizationalUnit?.Id ?? "";
    for (const member of members) {
      await org.send(
        new MoveAccountCommand({ AccountId: member.id, SourceParentId: rootId, DestinationParentId: unitId }),
      );
    }
    org.destroy();
    const shipped = config.environments.org;
    if (!shipped?.organization) throw new Error("environments.ts ships no `org` environment");
    const project: ProjectConfig = {
      ...config,
      environments: {
        org: {
          ...shipped,
          // The last test destroys the stack.
          deletionProtection: false,
          organization: {
            ...shipped.organization,
            organizationId,
            memberRoleStackSet: { organizationalUnits: [rootId] },
          },
        },
      },
    };
    outdir = mkdtempSync(path.join(os.tmpdir(), "key-age-e2e-org-"));
    buildApp(project, new App({ outdir })).synth();
    env = { ...moto.awsEnv, ...terraformEnvironment(outdir) };
    // The apply needs only the bucket and the lock table, not the bootstrap's end (its lifecycle wait and
    // state move): the first test applies alongside and then waits for the bootstrap too.
    bootstrapped = bootstrapStateBackend({ stackDir: stackDir("state-backend"), env });
    await waitForStateBackend(
      { ...clientConfig(), region: config.stateBackend.region },
      { bucket: config.stateBackend.bucket, lockTable: config.stateBackend.lockTable, bootstrap: bootstrapped },
    );
  });

  afterAll(async () => {
    // Never stop moto under a running bootstrap.
    await bootstrapped?.catch(() => undefined);
    await moto?.stop();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("applies: dispatcher and worker from one bundle, the encrypted queues, the mapping and the alarms", async () => {
    await terraformOk(["init", "-input=false"], stackDir("monitor-org"), env);
    // moto 5.2 answers the provider's CreateStackInstances with "role already exists" (the same call
    // made with boto3 on moto succeeds): Terraform creates every other resource and fails only that one.
    const apply = await terraform(["apply", "-auto-approve", "-input=false"], stackDir("monitor-org"), env);
    if (apply.code !== 0) {
      const errors = apply.stderr.split("\n").filter((line) => line.includes("Error:"));
      expect(errors).toEqual([
        expect.stringContaining("creating CloudFormation StackSet (key-age-member-role) Instance"),
      ]);
    }
    const state = (await terraformOk(["state", "list"], stackDir("monitor-org"), env)).stdout;
    expect(state).toMatch(/^aws_cloudformation_stack_set\.member-role-stack-set_/m);

    const lambda = new LambdaClient(clientConfig());
    const sqs = new SQSClient(clientConfig());
    const cloudwatch = new CloudWatchClient(clientConfig());
    try {
      const worker = await lambda.send(new GetFunctionCommand({ FunctionName: WORKER }));
      expect(worker.Configuration?.Handler).toBe("index.worker");
      const dispatcher = await lambda.send(new GetFunctionCommand({ FunctionName: `${WORKER}-dispatcher` }));
      expect(dispatcher.Configuration?.Handler).toBe("index.dispatcher");
      expect(dispatcher.Configuration?.Environment?.Variables).toMatchObject({
        ACCOUNT_QUEUE_URL: expect.stringContaining(`${WORKER}-accounts`),
        SLACK_WEBHOOK_PARAMETER: "/iam-key-age-monitor/org/slack-webhook",
      });

      const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: `${WORKER}-accounts` }))).QueueUrl;
      const queue = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }));
      expect(queue.Attributes?.SqsManagedSseEnabled).toBe("true");
      expect(JSON.parse(queue.Attributes?.RedrivePolicy ?? "{}")).toMatchObject({
        deadLetterTargetArn: expect.stringContaining(`${WORKER}-accounts-dlq`),
        maxReceiveCount: 3,
      });

      // moto filters mappings by ARN only, so all are listed and the worker's picked.
      const { EventSourceMappings: all = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
      const EventSourceMappings = all.filter((mapping) => mapping.FunctionArn?.endsWith(`:function:${WORKER}`));
      expect(EventSourceMappings).toHaveLength(1);
      expect(EventSourceMappings[0]).toMatchObject({
        EventSourceArn: expect.stringContaining(`${WORKER}-accounts`),
        BatchSize: 5,
      });

      const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({}));
      const names = MetricAlarms.map((alarm) => alarm.AlarmName ?? "");
      expect(names.some((name) => name.endsWith("-stale-accounts"))).toBe(true);
      expect(names.some((name) => name.includes("dispatcher") && name.endsWith("-errors"))).toBe(true);
      expect(MetricAlarms.find((alarm) => alarm.AlarmName === `${WORKER}-throttles`)?.MetricName).toBe("Throttles");
    } finally {
      lambda.destroy();
      sqs.destroy();
      cloudwatch.destroy();
    }
    await bootstrapped;
  });

  /** A CloudFormation query-API call to moto (the project has no CloudFormation client); the XML reply. */
  async function cloudformation(action: string, parameters: Record<string, string>): Promise<string> {
    const response = await fetch(moto.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/cloudformation/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams({ Action: action, Version: "2010-05-15", ...parameters }).toString(),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${action}: HTTP ${response.status}: ${text}`);
    return text;
  }

  test("the StackSet is service-managed and carries the member role's template", async () => {
    const stackSet = await cloudformation("DescribeStackSet", { StackSetName: STACK_SET });
    expect(stackSet).toContain("<PermissionModel>SERVICE_MANAGED</PermissionModel>");
    // moto keeps no AutoDeployment (DescribeStackSet omits it): proven by the synth tests only.
    expect(stackSet).toContain("key-age-member-reader");
    expect(stackSet).toContain("aws:PrincipalOrgID");
  });

  test("the exposure forwarding StackSet has an instance in us-east-1 for every member account", async () => {
    const stackSet = await cloudformation("DescribeStackSet", { StackSetName: EXPOSURE_STACK_SET });
    expect(stackSet).toContain("<PermissionModel>SERVICE_MANAGED</PermissionModel>");
    expect(stackSet).toContain("AWS_RISK_CREDENTIALS_EXPOSED");
    const instances = await cloudformation("ListStackInstances", { StackSetName: EXPOSURE_STACK_SET });
    const accounts = [...instances.matchAll(/<Account>(\d{12})<\/Account>/g)].map((match) => match[1]);
    for (const member of members) expect(accounts).toContain(member.id);
    expect([...instances.matchAll(/<Region>([\w-]+)<\/Region>/g)].map((match) => match[1])).toEqual(
      accounts.map(() => "us-east-1"),
    );
  });

  test("destroy removes everything", async () => {
    // moto's DeleteStackInstances ignores DeploymentTargets (what the provider sends for a
    // service-managed StackSet), so the instances would stay and the StackSet could not be deleted:
    // they are removed by account here, as AWS would have done from the OUs.
    const instances = await cloudformation("ListStackInstances", { StackSetName: EXPOSURE_STACK_SET });
    const accounts = [...new Set([...instances.matchAll(/<Account>(\d{12})<\/Account>/g)].map((match) => match[1]))];
    await cloudformation("DeleteStackInstances", {
      StackSetName: EXPOSURE_STACK_SET,
      RetainStacks: "false",
      "Regions.member.1": "us-east-1",
      ...Object.fromEntries(accounts.map((account, index) => [`Accounts.member.${index + 1}`, account ?? ""])),
    });
    await terraformOk(["destroy", "-auto-approve", "-input=false"], stackDir("monitor-org"), env);
    const list = await terraformOk(["state", "list"], stackDir("monitor-org"), env);
    expect(list.stdout.trim()).toBe("");
  });
});
