import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";

/** Takes the account id out of an ARN such as a Lambda's `invokedFunctionArn`; undefined if it has none. */
export function accountIdFromArn(arn: string | undefined): string | undefined {
  const account = arn?.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * Returns the account id from the invoked function's ARN (free inside Lambda), or else from
 * STS GetCallerIdentity (the CLI path; the call needs no IAM permission).
 */
export async function resolveAccountId(invokedFunctionArn: string | undefined, sts: () => STSClient): Promise<string> {
  const fromArn = accountIdFromArn(invokedFunctionArn);
  if (fromArn) return fromArn;
  const { Account } = await sts().send(new GetCallerIdentityCommand({}));
  if (!Account) throw new Error("STS GetCallerIdentity returned no account id");
  return Account;
}
