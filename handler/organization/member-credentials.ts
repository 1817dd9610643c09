import { IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { describeError } from "../runtime/error-fields";
import { memberRoleArn } from "./organization-scope";
import { IAM_CLIENT_CONFIG } from "../runtime/client-config";

/** The session's length: longer than any scan the worker's timeout allows, within the role's maximum. */
export const MEMBER_SESSION_SECONDS = 3600;

/** Thrown when the member role of an account cannot be assumed (missing role, trust, SCP). */
export class MemberRoleError extends Error {
  constructor(
    readonly accountId: string,
    readonly roleArn: string,
    options: { cause: unknown },
  ) {
    super(`cannot assume ${roleArn}: ${describeError(options.cause)}`, options);
    this.name = "MemberRoleError";
  }
}

/** Temporary credentials of the member role, in the shape the SDK clients take. */
export interface MemberCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/** Options of {@link assumeMemberRole}. */
export interface AssumeMemberRoleOptions {
  /** STS, with the caller's own credentials (the worker's role, or the operator's under aws-vault). */
  readonly sts: STSClient;
  readonly accountId: string;
  readonly roleName: string;
  /** Shown in the member account's CloudTrail. @default "key-age-monitor" */
  readonly sessionName?: string;
  /** Stops the call (and its retries) when the account's time is up. @default undefined: no deadline */
  readonly abortSignal?: AbortSignal;
}

/** Assumes the member role in the account; a refusal becomes a {@link MemberRoleError} naming the role. */
export async function assumeMemberRole(options: AssumeMemberRoleOptions): Promise<MemberCredentials> {
  const roleArn = memberRoleArn(options.accountId, options.roleName);
  try {
    const { Credentials } = await options.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: options.sessionName ?? "key-age-monitor",
        DurationSeconds: MEMBER_SESSION_SECONDS,
      }),
      options.abortSignal ? { abortSignal: options.abortSignal } : {},
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) {
      throw new Error("STS AssumeRole returned no credentials");
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      ...(Credentials.Expiration ? { expiration: Credentials.Expiration } : {}),
    };
  } catch (error) {
    throw new MemberRoleError(options.accountId, roleArn, { cause: error });
  }
}

/**
 * An IAM client acting in the member account: the same client settings as the single-account scan,
 * only the credentials differ. Endpoint and region still come from the SDK's own resolution.
 */
export function memberIamClient(credentials: MemberCredentials): IAMClient {
  return new IAMClient({ ...IAM_CLIENT_CONFIG, credentials });
}
