import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, TagUserCommand } from "@aws-sdk/client-iam";
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/** SDK client settings pointing at the emulator (endpoint, region, credentials). */
export interface EmulatorClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A member account created in moto's organization. */
export interface SeededAccount {
  readonly id: string;
  readonly name: string;
}

/** Creates the organization in moto (the caller is its management account) and one account per name. */
export async function seedOrganization(aws: EmulatorClientConfig, names: readonly string[]): Promise<SeededAccount[]> {
  const org = new OrganizationsClient(aws);
  await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const accounts: SeededAccount[] = [];
  for (const name of names) {
    const { CreateAccountStatus } = await org.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    if (!CreateAccountStatus?.AccountId) throw new Error(`moto created no account ${name}`);
    accounts.push({ id: CreateAccountStatus.AccountId, name });
  }
  org.destroy();
  return accounts;
}

/** Closes an account; moto then lists it as SUSPENDED. */
export async function closeAccount(aws: EmulatorClientConfig, accountId: string): Promise<void> {
  const org = new OrganizationsClient(aws);
  await org.send(new CloseAccountCommand({ AccountId: accountId }));
  org.destroy();
}

/** An IAM client acting inside `accountId`, through credentials assumed into it (moto checks no role). */
async function memberIam(aws: EmulatorClientConfig, accountId: string): Promise<IAMClient> {
  const sts = new STSClient(aws);
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/seeder`, RoleSessionName: "seed" }),
  );
  sts.destroy();
  return new IAMClient({
    ...aws,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    },
  });
}

/** Creates users with one access key each inside `accountId`, through credentials assumed into it. */
export async function seedMemberUsers(
  aws: EmulatorClientConfig,
  accountId: string,
  userNames: readonly string[],
): Promise<string[]> {
  const iam = await memberIam(aws, accountId);
  const keyIds: string[] = [];
  for (const UserName of userNames) {
    await iam.send(new CreateUserCommand({ UserName }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
    keyIds.push(AccessKey!.AccessKeyId!);
  }
  iam.destroy();
  return keyIds;
}

/** Tags a user inside `accountId`. */
export async function tagMemberUser(
  aws: EmulatorClientConfig,
  accountId: string,
  userName: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  const iam = await memberIam(aws, accountId);
  await iam.send(
    new TagUserCommand({
      UserName: userName,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  iam.destroy();
}
