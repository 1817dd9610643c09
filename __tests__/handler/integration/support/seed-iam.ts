import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  UpdateAccessKeyCommand,
  type AccessKey,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { MotoServer } from "../../../../scripts/lib/moto-server";
import { mapWithConcurrency } from "../../../../handler/runtime/map-with-concurrency";

/** SDK client settings for a moto server, for seeding from the test process. */
export function motoClientConfig(moto: MotoServer) {
  return {
    endpoint: moto.endpoint,
    region: moto.awsEnv.AWS_REGION,
    credentials: { accessKeyId: moto.awsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: moto.awsEnv.AWS_SECRET_ACCESS_KEY },
  };
}

/** Creates each user with `keysPerUser` access keys; returns the keys by user name. */
export async function seedUsers(
  moto: MotoServer,
  userNames: readonly string[],
  keysPerUser = 1,
): Promise<Map<string, AccessKey[]>> {
  const iam = new IAMClient(motoClientConfig(moto));
  const created = await mapWithConcurrency(userNames, 8, async (UserName) => {
    await iam.send(new CreateUserCommand({ UserName }));
    const keys: AccessKey[] = [];
    for (let i = 0; i < keysPerUser; i += 1) {
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
      if (AccessKey) keys.push(AccessKey);
    }
    return [UserName, keys] as const;
  });
  iam.destroy();
  return new Map(created);
}

/** Gives an existing user one more access key. */
export async function addAccessKey(moto: MotoServer, userName: string): Promise<AccessKey> {
  const iam = new IAMClient(motoClientConfig(moto));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  iam.destroy();
  if (!AccessKey) throw new Error(`moto created no key for ${userName}`);
  return AccessKey;
}

/** Marks a key inactive. */
export async function deactivateKey(moto: MotoServer, key: AccessKey): Promise<void> {
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(
    new UpdateAccessKeyCommand({ UserName: key.UserName, AccessKeyId: key.AccessKeyId, Status: "Inactive" }),
  );
  iam.destroy();
}

/** Signs one STS call with the key, so IAM records it as used (by `sts`). */
export async function useKey(moto: MotoServer, key: AccessKey): Promise<void> {
  const sts = new STSClient({
    ...motoClientConfig(moto),
    credentials: { accessKeyId: key.AccessKeyId ?? "", secretAccessKey: key.SecretAccessKey ?? "" },
  });
  await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
}
