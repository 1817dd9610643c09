/**
 * What the Security Hub export needs from AWS, declared once like handler/runtime/aws-contract.ts: the
 * import edge calls exactly these actions, and the function's policy (single-account mode) and the
 * member role (organization mode) grant them from here, only when `SECURITY_HUB=on`. Pure constants and
 * string builders, so synth does not load the AWS SDK.
 */

/**
 * Security Hub actions of the export, each on its own resource type (Service Authorization Reference):
 * `BatchImportFindings` on the account's default product (`product/<account>/default`), `GetFindings`
 * (the read that finds the findings to archive) on the account's hub (`hub/default`).
 */
export const SECURITY_HUB_ACTIONS = {
  /** Imports and updates (and archives) findings through the account's default product. */
  importFindings: ["securityhub:BatchImportFindings"],
  /** Reads the monitor's own active findings, to archive those of resolved keys. */
  readFindings: ["securityhub:GetFindings"],
} as const;

/** The IAM actions the export needs: none when the setting is off. */
export function securityHubActions(enabled: boolean): readonly string[] {
  return enabled ? [...SECURITY_HUB_ACTIONS.importFindings, ...SECURITY_HUB_ACTIONS.readFindings] : [];
}

/**
 * Where the policy applies. Plain strings, so a Terraform reference (`${data.aws_region.x.name}`) or a
 * CloudFormation substitution (`${AWS::AccountId}` inside an `Fn::Sub`) works alike.
 */
export interface SecurityHubArnParts {
  /** `aws`, `aws-cn`, `aws-us-gov`, or a reference to it. */
  readonly partition: string;
  /**
   * The region the function runs in (Security Hub is regional: findings go to the function's region).
   * For the member role this is the monitor's region, not the StackSet instance's.
   */
  readonly region: string;
  /** The account that imports its own findings. */
  readonly account: string;
}

/** The account's default product ARN: the resource of `BatchImportFindings` (and every finding's `ProductArn`). */
export function securityHubProductArnPattern(parts: SecurityHubArnParts): string {
  return `arn:${parts.partition}:securityhub:${parts.region}:${parts.account}:product/${parts.account}/default`;
}

/** The account's hub ARN: the resource of `GetFindings`. */
export function securityHubHubArnPattern(parts: SecurityHubArnParts): string {
  return `arn:${parts.partition}:securityhub:${parts.region}:${parts.account}:hub/default`;
}

/** One policy statement, in the neutral shape both policy builders map from. */
export interface SecurityHubStatement {
  /** The statement id. */
  readonly sid: string;
  /** The actions. */
  readonly actions: readonly string[];
  /** The resource ARNs (never `*`: both actions have resource types, so the scanner's CKV_AWS_356 stays met). */
  readonly resources: readonly string[];
}

/** The statements granting the export, scoped to the account's own product and hub; none when off. */
export function securityHubStatements(enabled: boolean, parts: SecurityHubArnParts): readonly SecurityHubStatement[] {
  if (!enabled) return [];
  return [
    {
      sid: "ImportOwnSecurityHubFindings",
      actions: [...SECURITY_HUB_ACTIONS.importFindings],
      resources: [securityHubProductArnPattern(parts)],
    },
    {
      sid: "ReadOwnSecurityHubFindings",
      actions: [...SECURITY_HUB_ACTIONS.readFindings],
      resources: [securityHubHubArnPattern(parts)],
    },
  ];
}

/** Which HTTP request of the Security Hub REST API is which IAM action (for tests that watch the wire). */
export const SECURITY_HUB_ACTION_BY_PATH: Readonly<Record<string, string>> = {
  "/findings/import": "securityhub:BatchImportFindings",
  "/findings": "securityhub:GetFindings",
};
