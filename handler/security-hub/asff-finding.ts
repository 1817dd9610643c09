export type {
  FindingDeactivation,
  FindingKey,
  SecurityHubKey,
  FindingContext,
  AsffAccessKeyDetails,
  AsffResource,
  AsffSeverity,
  AsffFinding,
} from "./asff-types";
import {
  SECURITY_HUB_STATUSES,
  type SecurityHubStatus,
  type SeverityLabel,
  type FindingDeactivation,
  FindingKey,
  SecurityHubKey,
  FindingContext,
  AsffFinding,
} from "./asff-types";
import { ROOT_USER_NAME } from "../scan/inventory";
import { maskAccessKeyId } from "../runtime/mask";
import { REMEDIATION, ROTATE_ACCESS_KEYS_DOCS_URL } from "../slack/remediation";

/** The ASFF version every finding declares. */
export const ASFF_SCHEMA_VERSION = "2018-10-08";

/** The rule that produces every finding of the monitor; with the product ARN it tells our findings apart. */
export const FINDING_GENERATOR_ID = "iam-key-age-monitor/access-key-age";

/** The product name shown in Security Hub (a custom integration may set it). */
export const FINDING_PRODUCT_NAME = "IAM access-key age monitor";

/** The finding type of every finding: the ASFF namespace and category for a best-practice check. */
export const BEST_PRACTICES_TYPE = "Software and Configuration Checks/AWS Security Best Practices";

/** The extra finding type of an exposed key: its secret is known outside the account. */
export const EXPOSED_KEY_TYPE = "Effects/Data Exposure";

/** The severity of each status's finding. */
export const SEVERITY_BY_STATUS: Readonly<Record<SecurityHubStatus, SeverityLabel>> = {
  exposed: "CRITICAL",
  critical: "HIGH",
  warning: "MEDIUM",
  unused: "LOW",
};

/** ASFF limits the validator enforces (Security Hub's documented maxima). */
export const ASFF_LIMITS = {
  /** `Id` and `GeneratorId`, characters. */
  idChars: 512,
  /** `Title`, characters. */
  titleChars: 256,
  /** `Description`, characters. */
  descriptionChars: 1024,
  /** `Remediation.Recommendation.Text`, characters. */
  recommendationChars: 512,
  /** Entries of `ProductFields`. */
  productFields: 50,
  /** A `ProductFields` key, characters. */
  productFieldKeyChars: 128,
  /** A `ProductFields` value, characters. */
  productFieldValueChars: 2048,
  /** Entries of `Types`. */
  types: 50,
  /** Entries of `Resources`. */
  resources: 32,
  /** One finding, serialized, in bytes (240 KB). */
  findingBytes: 240 * 1024,
} as const;

/** The prefix of the monitor's `ProductFields` keys (`aws/` is Security Hub's own). */
export const PRODUCT_FIELD_PREFIX = "key-age/";

/** The `ProductFields` keys the monitor writes. */
export const PRODUCT_FIELDS = {
  status: `${PRODUCT_FIELD_PREFIX}Status`,
  ageDays: `${PRODUCT_FIELD_PREFIX}AgeDays`,
  lastUsed: `${PRODUCT_FIELD_PREFIX}LastUsed`,
  lastUsedService: `${PRODUCT_FIELD_PREFIX}LastUsedService`,
  owner: `${PRODUCT_FIELD_PREFIX}Owner`,
  deactivationDate: `${PRODUCT_FIELD_PREFIX}DeactivationDate`,
  exposure: `${PRODUCT_FIELD_PREFIX}Exposure`,
  environment: `${PRODUCT_FIELD_PREFIX}Environment`,
  resolution: `${PRODUCT_FIELD_PREFIX}Resolution`,
} as const;

/** The value of the owner and deactivation fields when there is none, so a security team can filter on it. */
export const NONE = "none";

const DAY_MS = 86_400_000;
const AWS_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;

/** The partition of a region: `cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, anything else `aws`. */
export function partitionOf(region: string): "aws" | "aws-cn" | "aws-us-gov" {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

function partitionOfContext(context: FindingContext): "aws" | "aws-cn" | "aws-us-gov" {
  const given = AWS_PARTITIONS.find((partition) => partition === context.partition);
  return given ?? partitionOf(context.region);
}

/** The default product ARN of an account: the one product through which an account imports its own findings. */
export function productArn(context: Pick<FindingContext, "accountId" | "region" | "partition">): string {
  const partition = context.partition ?? partitionOf(context.region);
  return `arn:${partition}:securityhub:${context.region}:${context.accountId}:product/${context.accountId}/default`;
}

/** The finding's `Id`: stable per account and key, so every run updates the same finding. */
export function findingId(accountId: string, accessKeyId: string): string {
  return `${FINDING_GENERATOR_ID}/${accountId}/${accessKeyId}`;
}

/** True for a status that gets a finding. */
export function isSecurityHubStatus(status: string): status is SecurityHubStatus {
  return (SECURITY_HUB_STATUSES as readonly string[]).includes(status);
}

/** True for a key that gets a finding. */
export function isSecurityHubKey(key: FindingKey): key is SecurityHubKey {
  return isSecurityHubStatus(key.status);
}

/** Cuts `text` to at most `max` characters, ending with `…` when cut (never splitting a surrogate pair). */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Options of {@link buildFinding}. */
export interface BuildFindingOptions {
  /**
   * `CreatedAt` of the finding already in Security Hub, kept so that an update does not move it.
   * @default the context's `now`: a new finding
   */
  readonly createdAt?: string;
  /** `UpdatedAt` must be later than this (the stored finding's), or Security Hub ignores the update. @default none */
  readonly updatedAfter?: string;
}

/** Builds the ACTIVE finding of one flagged key. */
export function buildFinding(
  key: SecurityHubKey,
  context: FindingContext,
  options: BuildFindingOptions = {},
): AsffFinding {
  const partition = partitionOfContext(context);
  const now = context.now.toISOString();
  const createdAt = options.createdAt ?? now;
  const severity = SEVERITY_BY_STATUS[key.status];
  const types = key.status === "exposed" ? [BEST_PRACTICES_TYPE, EXPOSED_KEY_TYPE] : [BEST_PRACTICES_TYPE];
  const isRoot = key.root === true || key.userName === ROOT_USER_NAME;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: findingId(context.accountId, key.accessKeyId),
    ProductArn: productArn({ ...context, partition }),
    ProductName: FINDING_PRODUCT_NAME,
    GeneratorId: FINDING_GENERATOR_ID,
    AwsAccountId: context.accountId,
    Region: context.region,
    Types: types,
    FirstObservedAt: createdAt,
    LastObservedAt: now,
    CreatedAt: createdAt,
    UpdatedAt: laterThan(now, options.updatedAfter),
    Severity: { Label: severity, Original: key.status },
    Title: truncateText(titleOf(key, isRoot, context.now), ASFF_LIMITS.titleChars),
    Description: truncateText(descriptionOf(key, isRoot, context), ASFF_LIMITS.descriptionChars),
    Remediation: {
      Recommendation: {
        Text: truncateText(recommendationOf(key, isRoot), ASFF_LIMITS.recommendationChars),
        Url: ROTATE_ACCESS_KEYS_DOCS_URL,
      },
    },
    ProductFields: productFieldsOf(key, context),
    Resources: [
      {
        Type: "AwsIamAccessKey",
        // The key id is the resource's canonical id; the root key's is unknown, so its user stands in.
        Id: isRoot ? `arn:${partition}:iam::${context.accountId}:root` : key.accessKeyId,
        Partition: partition,
        Details: {
          AwsIamAccessKey: {
            AccessKeyId: key.accessKeyId,
            PrincipalName: isRoot ? "root" : key.userName,
            PrincipalType: isRoot ? "Root" : "IAMUser",
            Status: key.state,
            ...(key.createDate ? { CreatedAt: key.createDate.toISOString() } : {}),
            AccountId: context.accountId,
          },
        },
      },
    ],
    // Security Hub only updates Severity and Types of an existing finding through these.
    FindingProviderFields: { Severity: { Label: severity, Original: key.status }, Types: [...types] },
    RecordState: "ACTIVE",
  };
}

/** `now`, or 1 ms after `after` when that is not earlier: Security Hub keeps the later of two updates. */
export function laterThan(now: string, after: string | undefined): string {
  if (after === undefined) return now;
  const afterMs = Date.parse(after);
  if (Number.isNaN(afterMs) || Date.parse(now) > afterMs) return now;
  return new Date(afterMs + 1).toISOString();
}

function days(ms: number): number {
  return Math.max(0, Math.floor(ms / DAY_MS));
}

function daysLabel(ms: number): string {
  const count = days(ms);
  return count === 1 ? "1 day" : `${count} days`;
}

function agoText(ms: number): string {
  return ms < DAY_MS ? "less than a day ago" : `${daysLabel(ms)} ago`;
}

function idleMs(key: FindingKey, now: Date): number | undefined {
  const since = key.lastUsedDate ?? key.createDate;
  return since ? now.getTime() - since.getTime() : undefined;
}

function titleOf(key: SecurityHubKey, isRoot: boolean, now: Date): string {
  if (isRoot) {
    return key.status === "exposed"
      ? "The root user's access key is exposed"
      : "The root user has an access key: delete it";
  }
  const subject = `IAM access key ${maskAccessKeyId(key.accessKeyId)} of user ${key.userName}`;
  const age = key.ageMs !== undefined ? ` is ${daysLabel(key.ageMs)} old` : "";
  switch (key.status) {
    case "exposed":
      return `${subject} is exposed: deactivate it now`;
    case "critical":
      return `${subject}${age}: rotate it now`;
    case "warning":
      return `${subject}${age}: plan its rotation`;
    case "unused": {
      const idle = idleMs(key, now);
      const idleText = idle !== undefined ? ` for ${daysLabel(idle)}` : "";
      return key.lastUsedDate
        ? `${subject} has not been used${idleText}`
        : `${subject} has never been used${age ? ` (it${age})` : ""}`;
    }
  }
}

const STATUS_MEANING: Readonly<Record<SecurityHubStatus, string>> = {
  exposed: "its secret is known outside the account (AWS quarantined it or reported it exposed)",
  critical: "past the age at which it must be rotated",
  warning: "approaching the age at which it must be rotated",
  unused: "active but not used for longer than the unused age",
};

const EXPOSED_RECOMMENDATION =
  "Deactivate the key now, check CloudTrail for its use, then create a new key for its consumers and delete this one.";
const ROOT_RECOMMENDATION =
  "Delete the root user's access key: use an IAM role or an IAM user's key instead (CIS, Security Hub IAM.4).";

function recommendationOf(key: SecurityHubKey, isRoot: boolean): string {
  if (key.status === "exposed") return EXPOSED_RECOMMENDATION;
  if (isRoot) return ROOT_RECOMMENDATION;
  return REMEDIATION[key.status] ?? ROOT_RECOMMENDATION;
}

function descriptionOf(key: SecurityHubKey, isRoot: boolean, context: FindingContext): string {
  const who = isRoot
    ? "The root user's access key"
    : `IAM user ${key.userName}'s access key ${maskAccessKeyId(key.accessKeyId)}`;
  const created = key.createDate
    ? `was created on ${key.createDate.toISOString().slice(0, 10)} (${agoText(context.now.getTime() - key.createDate.getTime())})`
    : "has an unknown creation date";
  const idle = idleMs(key, context.now);
  const used = key.lastUsedDate
    ? `last used on ${key.lastUsedDate.toISOString().slice(0, 10)}${key.lastUsedService ? ` (${key.lastUsedService})` : ""}${idle !== undefined ? `, ${agoText(idle)}` : ""}`
    : lastUseUnknown(key, isRoot)
      ? "last used at a time not known (no credential report was read)"
      : "never used";
  const sentences = [
    `${who} (${key.state.toLowerCase()}) ${created} and was ${used}.`,
    `Status ${key.status}: ${STATUS_MEANING[key.status]}.`,
    ...(key.exposure ? [`Exposure: ${key.exposure}.`] : []),
    `Owner: ${ownerText(key) ?? "none (tag the user with key-age:owner)"}.`,
    `Deactivation: ${deactivationText(key.deactivation) ?? "not scheduled"}.`,
    `Reported by the IAM access-key age monitor${context.environment ? ` (${context.environment})` : ""}.`,
  ];
  return sentences.join(" ");
}

// The API scan sees only that the root user has a key: its dates come from the credential report.
function lastUseUnknown(key: FindingKey, isRoot: boolean): boolean {
  return isRoot && !key.createDate && !key.lastUsedDate;
}

/** The owners as plain ids and addresses (`U0123ABCD S0456 alice@example.com`), undefined when none. */
export function ownerText(key: Pick<FindingKey, "owners" | "ownerEmails">): string | undefined {
  const plain = (key.owners ?? []).map(
    (mention) => /^<[@!](?:subteam\^)?([^>|]+)(?:\|[^>]*)?>$/.exec(mention)?.[1] ?? mention,
  );
  const all = [...plain, ...(key.ownerEmails ?? [])];
  return all.length > 0 ? all.join(" ") : undefined;
}

function deactivationText(deactivation: FindingDeactivation | undefined): string | undefined {
  if (!deactivation) return undefined;
  return deactivation.kind === "date" ? deactivation.date.toISOString() : `never (${deactivation.reason})`;
}

function productFieldsOf(key: SecurityHubKey, context: FindingContext): Record<string, string> {
  const fields: Record<string, string> = {
    [PRODUCT_FIELDS.status]: key.status,
    [PRODUCT_FIELDS.owner]: ownerText(key) ?? NONE,
    [PRODUCT_FIELDS.deactivationDate]: deactivationText(key.deactivation) ?? NONE,
    [PRODUCT_FIELDS.lastUsed]: key.lastUsedDate
      ? key.lastUsedDate.toISOString()
      : lastUseUnknown(key, key.root === true || key.userName === ROOT_USER_NAME)
        ? "unknown"
        : "never",
  };
  if (key.ageMs !== undefined) fields[PRODUCT_FIELDS.ageDays] = String(days(key.ageMs));
  if (key.lastUsedService) fields[PRODUCT_FIELDS.lastUsedService] = key.lastUsedService;
  if (key.exposure) fields[PRODUCT_FIELDS.exposure] = key.exposure;
  if (context.environment) fields[PRODUCT_FIELDS.environment] = context.environment;
  for (const [name, value] of Object.entries(fields)) {
    fields[name] = truncateText(value, ASFF_LIMITS.productFieldValueChars);
  }
  return fields;
}

/** What other stages know about the keys, by key id, to merge into the classified keys. */
export interface FindingKeyExtras {
  /** The enforcement plan's schedules (`EnforcementPlan.schedules`). @default none */
  readonly schedules?: ReadonlyMap<string, FindingDeactivation>;
  /** How each exposed key's exposure became known. @default none */
  readonly exposures?: ReadonlyMap<string, string>;
}

/** The classified keys with their deactivation schedule and exposure merged in, ready for {@link buildFinding}. */
export function findingKeysOf(keys: readonly FindingKey[], extras: FindingKeyExtras = {}): FindingKey[] {
  return keys.map((key) => {
    const schedule = extras.schedules?.get(key.accessKeyId);
    const exposure = extras.exposures?.get(key.accessKeyId);
    return {
      ...key,
      ...(schedule ? { deactivation: schedule } : {}),
      ...(exposure ? { exposure } : {}),
    };
  });
}
