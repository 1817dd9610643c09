/**
 * One AWS Security Finding Format (ASFF) finding per flagged access key (pure: no SDK, the clock is an
 * argument). Security Hub stores what it is sent and checks little of it at import time, and moto checks
 * nothing, so {@link validateFinding} holds the rules and limits: the importer runs it before sending,
 * the tests after reading back.
 */
import type { KeyStatus } from "../scan/classify";
import { ROOT_ACCESS_KEY_ID, ROOT_USER_NAME } from "../scan/inventory";
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

/** When a key is to be deactivated, or why it never is (a `DeactivationSchedule` of the enforcement plan fits). */
export type FindingDeactivation =
  | { readonly kind: "date"; readonly date: Date }
  | { readonly kind: "never"; readonly reason: string };

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

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const TYPE_NAMESPACES = [
  "Software and Configuration Checks",
  "TTPs",
  "Effects",
  "Unusual Behaviors",
  "Sensitive Data Identifications",
];
const SEVERITY_LABELS: readonly string[] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
const PRODUCT_ARN = /^arn:(aws|aws-cn|aws-us-gov):securityhub:([a-z0-9-]+):(\d{12}):product\/(\d{12})\/default$/;

/**
 * The problems of a finding, one sentence each; empty when it has every field Security Hub requires,
 * within its limits, and fits the monitor's own rules (the default product of the finding's account,
 * an `AwsIamAccessKey` resource with its details). Takes what GetFindings returns too.
 */
export function validateFinding(finding: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(finding)) return ["the finding is not an object"];
  const f = finding;
  const text = (name: string, value: unknown, max?: number): value is string => {
    if (typeof value !== "string" || value.trim() === "") {
      problems.push(`${name} is missing or empty`);
      return false;
    }
    if (max !== undefined && value.length > max) {
      problems.push(`${name} has ${value.length} characters, more than ${max}`);
      return false;
    }
    return true;
  };
  const timestamp = (name: string, value: unknown, required: boolean): void => {
    if (value === undefined && !required) return;
    if (typeof value !== "string" || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
      problems.push(`${name} is not an ISO 8601 timestamp: ${JSON.stringify(value)}`);
    }
  };

  if (f.SchemaVersion !== ASFF_SCHEMA_VERSION) {
    problems.push(`SchemaVersion is ${JSON.stringify(f.SchemaVersion)}, not "${ASFF_SCHEMA_VERSION}"`);
  }
  text("Id", f.Id, ASFF_LIMITS.idChars);
  text("GeneratorId", f.GeneratorId, ASFF_LIMITS.idChars);
  const accountOk = typeof f.AwsAccountId === "string" && /^\d{12}$/.test(f.AwsAccountId);
  if (!accountOk) problems.push(`AwsAccountId is not a 12-digit account id: ${JSON.stringify(f.AwsAccountId)}`);
  const arn = typeof f.ProductArn === "string" ? PRODUCT_ARN.exec(f.ProductArn) : null;
  if (!arn) {
    problems.push(`ProductArn is not an account's default product ARN: ${JSON.stringify(f.ProductArn)}`);
  } else {
    if (arn[3] !== arn[4]) problems.push("ProductArn names two different accounts");
    if (accountOk && arn[3] !== f.AwsAccountId) {
      problems.push("ProductArn belongs to another account than AwsAccountId (Security Hub requires the caller's own)");
    }
    if (f.Region !== undefined && f.Region !== arn[2]) problems.push("Region differs from the ProductArn's region");
  }

  if (!Array.isArray(f.Types) || f.Types.length === 0) {
    problems.push("Types is missing or empty");
  } else {
    if (f.Types.length > ASFF_LIMITS.types) problems.push(`Types has more than ${ASFF_LIMITS.types} entries`);
    for (const type of f.Types) {
      const parts = typeof type === "string" ? type.split("/") : [];
      if (
        parts.length < 1 ||
        parts.length > 3 ||
        !TYPE_NAMESPACES.includes(parts[0]) ||
        parts.some((p) => p.trim() === "")
      ) {
        problems.push(`Types entry ${JSON.stringify(type)} is not namespace[/category[/classifier]]`);
      }
    }
    if (!f.Types.some((type) => typeof type === "string" && type.startsWith(BEST_PRACTICES_TYPE))) {
      problems.push(`Types lacks "${BEST_PRACTICES_TYPE}"`);
    }
  }

  timestamp("CreatedAt", f.CreatedAt, true);
  timestamp("UpdatedAt", f.UpdatedAt, true);
  timestamp("FirstObservedAt", f.FirstObservedAt, false);
  timestamp("LastObservedAt", f.LastObservedAt, false);
  if (
    typeof f.CreatedAt === "string" &&
    typeof f.UpdatedAt === "string" &&
    Date.parse(f.UpdatedAt) < Date.parse(f.CreatedAt)
  ) {
    problems.push("UpdatedAt is earlier than CreatedAt");
  }

  const severity = isRecord(f.Severity) ? f.Severity : undefined;
  if (!severity || typeof severity.Label !== "string" || !SEVERITY_LABELS.includes(severity.Label)) {
    problems.push(`Severity.Label is not one of ${SEVERITY_LABELS.join(", ")}`);
  }
  text("Title", f.Title, ASFF_LIMITS.titleChars);
  text("Description", f.Description, ASFF_LIMITS.descriptionChars);

  const recommendation =
    isRecord(f.Remediation) && isRecord(f.Remediation.Recommendation) ? f.Remediation.Recommendation : undefined;
  if (!recommendation) {
    problems.push("Remediation.Recommendation is missing");
  } else {
    text("Remediation.Recommendation.Text", recommendation.Text, ASFF_LIMITS.recommendationChars);
    if (typeof recommendation.Url !== "string" || !/^https:\/\/\S+$/.test(recommendation.Url)) {
      problems.push("Remediation.Recommendation.Url is not an https URL");
    }
  }

  if (f.ProductFields !== undefined) {
    if (!isRecord(f.ProductFields)) {
      problems.push("ProductFields is not a map");
    } else {
      const entries = Object.entries(f.ProductFields);
      if (entries.length > ASFF_LIMITS.productFields) {
        problems.push(`ProductFields has ${entries.length} entries, more than ${ASFF_LIMITS.productFields}`);
      }
      for (const [name, value] of entries) {
        if (name.length === 0 || name.length > ASFF_LIMITS.productFieldKeyChars) {
          problems.push(`ProductFields key ${JSON.stringify(name.slice(0, 40))} is empty or too long`);
        }
        if (typeof value !== "string" || value.length > ASFF_LIMITS.productFieldValueChars) {
          problems.push(
            `ProductFields[${JSON.stringify(name)}] is not a string of at most ${ASFF_LIMITS.productFieldValueChars} characters`,
          );
        }
      }
    }
  }

  if (f.RecordState !== undefined && f.RecordState !== "ACTIVE" && f.RecordState !== "ARCHIVED") {
    problems.push(`RecordState ${JSON.stringify(f.RecordState)} is neither ACTIVE nor ARCHIVED`);
  }

  if (!Array.isArray(f.Resources) || f.Resources.length === 0) {
    problems.push("Resources is missing or empty");
  } else {
    if (f.Resources.length > ASFF_LIMITS.resources)
      problems.push(`Resources has more than ${ASFF_LIMITS.resources} entries`);
    f.Resources.forEach((resource, index) => {
      const at = `Resources[${index}]`;
      if (!isRecord(resource)) {
        problems.push(`${at} is not an object`);
        return;
      }
      text(`${at}.Type`, resource.Type);
      text(`${at}.Id`, resource.Id);
    });
    const first = f.Resources[0];
    if (isRecord(first)) problems.push(...accessKeyProblems(first, f.AwsAccountId));
  }

  const bytes = Buffer.byteLength(JSON.stringify(finding), "utf8");
  if (bytes > ASFF_LIMITS.findingBytes) problems.push(`the finding has ${bytes} bytes, more than 240 KB`);
  return problems;
}

function accessKeyProblems(resource: Record<string, unknown>, accountId: unknown): string[] {
  if (resource.Type !== "AwsIamAccessKey")
    return [`Resources[0].Type is ${JSON.stringify(resource.Type)}, not AwsIamAccessKey`];
  const details =
    isRecord(resource.Details) && isRecord(resource.Details.AwsIamAccessKey)
      ? resource.Details.AwsIamAccessKey
      : undefined;
  if (!details) return ["Resources[0].Details.AwsIamAccessKey is missing"];
  const problems: string[] = [];
  const at = "Resources[0].Details.AwsIamAccessKey";
  for (const field of ["AccessKeyId", "PrincipalName", "PrincipalType"] as const) {
    if (typeof details[field] !== "string" || (details[field] as string).trim() === "")
      problems.push(`${at}.${field} is missing`);
  }
  if (details.Status !== "Active" && details.Status !== "Inactive")
    problems.push(`${at}.Status is neither Active nor Inactive`);
  if (details.AccountId !== accountId) problems.push(`${at}.AccountId differs from AwsAccountId`);
  // IAM does not tell the root key's creation time unless the credential report was read.
  const rootKey = details.PrincipalType === "Root" && details.AccessKeyId === ROOT_ACCESS_KEY_ID;
  if (details.CreatedAt === undefined && !rootKey) problems.push(`${at}.CreatedAt is missing`);
  if (
    details.CreatedAt !== undefined &&
    (typeof details.CreatedAt !== "string" || !TIMESTAMP.test(details.CreatedAt))
  ) {
    problems.push(`${at}.CreatedAt is not an ISO 8601 timestamp`);
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
