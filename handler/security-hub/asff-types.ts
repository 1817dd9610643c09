import type { KeyStatus } from "../scan/classify";
/** When a key is to be deactivated, or why it never is (a `DeactivationSchedule` of the enforcement plan fits). */
export type FindingDeactivation =
  | { readonly kind: "date"; readonly date: Date }
  | { readonly kind: "never"; readonly reason: string };

/**
 * A key's status as this module accepts it. `exposed` (the user carries AWS's
 * `AWSCompromisedKeyQuarantine*` policy, or an AWS Health event named the key) is listed here too, so
 * the mapping is ready whether or not the classification's own status union has it yet.
 */
export type FindingKeyStatus = KeyStatus | "exposed";

/** The statuses that get a finding, most severe first. */
export const SECURITY_HUB_STATUSES = ["exposed", "critical", "warning", "unused"] as const;

/** A status that gets a finding. */
export type SecurityHubStatus = (typeof SECURITY_HUB_STATUSES)[number];

/** ASFF severity labels. */
export type SeverityLabel = "INFORMATIONAL" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";

/**
 * What a finding is built from: a classified key (a `KeyFinding` fits as is) and what later stages
 * know about it (see {@link findingKeysOf}).
 */
export interface FindingKey {
  /** The IAM user (`<root>` for the root user's key). */
  readonly userName: string;
  /** The full key id (the root key's stand-in id for the root user). */
  readonly accessKeyId: string;
  /** Whether IAM lets the key sign requests. */
  readonly state: "Active" | "Inactive";
  /** The classification; only {@link SECURITY_HUB_STATUSES} get a finding. */
  readonly status: FindingKeyStatus;
  /** When the key was created. @default undefined: not known (the root key without a credential report) */
  readonly createDate?: Date;
  /** `now - createDate`. @default undefined: not known */
  readonly ageMs?: number;
  /** True for the root user's access key. @default undefined */
  readonly root?: true;
  /** When the key was last used. @default undefined: never */
  readonly lastUsedDate?: Date;
  /** The service of the last use. @default undefined */
  readonly lastUsedService?: string;
  /** The owners as Slack mention markup (`<@U…>`, `<!subteam^S…>`), from `key-age:owner`. @default undefined */
  readonly owners?: readonly string[];
  /** The owners' email addresses, from `key-age:owner`. @default undefined */
  readonly ownerEmails?: readonly string[];
  /** The enforcement plan's schedule for the key. @default undefined: enforcement off or not applicable */
  readonly deactivation?: FindingDeactivation;
  /** How the exposure became known (the quarantine policy, the Health event). @default undefined */
  readonly exposure?: string;
}

/** A key that gets a finding. */
export type SecurityHubKey = FindingKey & { readonly status: SecurityHubStatus };

/** Where and when findings are imported. */
export interface FindingContext {
  /** The account that owns the keys and imports the findings (Security Hub requires them to match). */
  readonly accountId: string;
  /** The region whose Security Hub receives the findings. */
  readonly region: string;
  /** The run's time: `UpdatedAt`, and `CreatedAt` of a new finding. */
  readonly now: Date;
  /** The AWS partition. @default derived from the region (`aws`, `aws-cn`, `aws-us-gov`) */
  readonly partition?: string;
  /** `ENVIRONMENT_NAME`, written as a product field. @default undefined: not written */
  readonly environment?: string;
}

/** The `AwsIamAccessKey` resource details the monitor writes. */
export interface AsffAccessKeyDetails {
  AccessKeyId: string;
  PrincipalName: string;
  PrincipalType: string;
  Status: "Active" | "Inactive";
  /** Absent only for the root user's key when its creation time is not known. */
  CreatedAt?: string;
  AccountId: string;
}

/** One resource of a finding. */
export interface AsffResource {
  Type: string;
  Id: string;
  Partition?: "aws" | "aws-cn" | "aws-us-gov";
  Region?: string;
  Details?: { AwsIamAccessKey?: AsffAccessKeyDetails };
}

/** An ASFF severity. */
export interface AsffSeverity {
  Label: SeverityLabel;
  Original?: string;
  Normalized?: number;
  Product?: number;
}

/**
 * The ASFF finding the monitor sends: the fields it sets, typed so that the SDK's `AwsSecurityFinding`
 * accepts it (arrays are mutable for that reason).
 */
export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  ProductName?: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region?: string;
  Types: string[];
  FirstObservedAt?: string;
  LastObservedAt?: string;
  CreatedAt: string;
  UpdatedAt: string;
  Severity: AsffSeverity;
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string; Url: string } };
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  FindingProviderFields: { Severity: { Label: SeverityLabel; Original?: string }; Types: string[] };
  RecordState?: "ACTIVE" | "ARCHIVED";
}
