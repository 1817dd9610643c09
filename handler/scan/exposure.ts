/**
 * What makes a key `exposed`: AWS's own verdict that it leaked. When AWS finds a key in public (a
 * repository, a package), it attaches an `AWSCompromisedKeyQuarantine*` managed policy to the key's
 * user and sends an AWS Health event naming the key. Pure: the scan reads the attached policies, the
 * run's trigger carries the event's key ids.
 */

/** The name every quarantine policy AWS attaches starts with (`…Quarantine`, `…V2`, `…V3`, and later ones). */
export const QUARANTINE_POLICY_NAME_PREFIX = "AWSCompromisedKeyQuarantine";

// An AWS managed policy: `arn:<partition>:iam::aws:policy/<path><name>`, in any partition.
const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

/** Why a key counts as exposed. */
export interface KeyExposure {
  /** The user's attached quarantine policies, by name (`AWSCompromisedKeyQuarantineV3`). @default undefined: none */
  readonly quarantinePolicies?: readonly string[];
  /** True when an AWS Health exposure event named this key in the run's trigger. @default undefined */
  readonly healthEvent?: true;
}

/** The names of the AWS quarantine policies among a user's attached policy ARNs, in order, once each. */
export function quarantinePolicyNames(attachedPolicyArns: readonly string[] | undefined): string[] {
  const names: string[] = [];
  for (const arn of attachedPolicyArns ?? []) {
    const name = AWS_MANAGED_POLICY.exec(arn)?.[1];
    if (name?.startsWith(QUARANTINE_POLICY_NAME_PREFIX) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** True when a user's attached policies include an AWS quarantine policy. */
export function isQuarantined(attachedPolicyArns: readonly string[] | undefined): boolean {
  return quarantinePolicyNames(attachedPolicyArns).length > 0;
}

/**
 * The exposure of one key, or undefined: the user's quarantine policies and whether a Health event of
 * this run named the key.
 */
export function keyExposure(
  accessKeyId: string,
  attachedPolicyArns: readonly string[] | undefined,
  eventKeyIds: ReadonlySet<string>,
): KeyExposure | undefined {
  const policies = quarantinePolicyNames(attachedPolicyArns);
  const named = eventKeyIds.has(accessKeyId);
  if (policies.length === 0 && !named) return undefined;
  return { ...(policies.length > 0 ? { quarantinePolicies: policies } : {}), ...(named ? { healthEvent: true } : {}) };
}
