/**
 * Which findings a run sends (pure): one ACTIVE finding per flagged key, new or updated in place, and
 * the previously imported ACTIVE findings of keys no longer flagged re-sent as ARCHIVED.
 */
import { ROOT_USER_NAME } from "../scan/inventory";
import {
  type AsffFinding,
  type AsffResource,
  type AsffSeverity,
  FINDING_GENERATOR_ID,
  type FindingContext,
  type FindingKey,
  PRODUCT_FIELDS,
  buildFinding,
  findingId,
  isSecurityHubKey,
  laterThan,
  productArn,
} from "./asff-finding";

/**
 * A finding as GetFindings returns it (the SDK's `AwsSecurityFinding` fits): every field optional,
 * since nothing guarantees what another writer stored.
 */
export interface StoredFinding {
  readonly SchemaVersion?: string;
  readonly Id?: string;
  readonly ProductArn?: string;
  readonly ProductName?: string;
  readonly GeneratorId?: string;
  readonly AwsAccountId?: string;
  readonly Region?: string;
  readonly Types?: readonly string[];
  readonly FirstObservedAt?: string;
  readonly LastObservedAt?: string;
  readonly CreatedAt?: string;
  readonly UpdatedAt?: string;
  readonly Severity?: { readonly Label?: string; readonly Original?: string };
  readonly Title?: string;
  readonly Description?: string;
  readonly Remediation?: { readonly Recommendation?: { readonly Text?: string; readonly Url?: string } };
  readonly ProductFields?: Readonly<Record<string, string>>;
  readonly Resources?: readonly StoredResource[];
  readonly FindingProviderFields?: {
    readonly Severity?: { readonly Label?: string; readonly Original?: string };
    readonly Types?: readonly string[];
  };
  readonly RecordState?: string;
}

/** A resource as GetFindings returns it. */
export interface StoredResource {
  readonly Type?: string;
  readonly Id?: string;
  readonly Partition?: string;
  readonly Region?: string;
  readonly Details?: {
    readonly AwsIamAccessKey?: {
      readonly AccessKeyId?: string;
      readonly PrincipalName?: string;
      readonly PrincipalType?: string;
      readonly Status?: string;
      readonly CreatedAt?: string;
      readonly AccountId?: string;
    };
  };
}

/** What {@link planFindings} decides from. */
export interface PlanFindingsInput {
  /**
   * Every classified key of the account (`Classification.findings`, through `findingKeysOf` for the
   * deactivation dates): the flagged ones get a finding, the others tell why an archived one was resolved.
   */
  readonly keys: readonly FindingKey[];
  /** What GetFindings returned; findings that are not this monitor's ACTIVE ones in this account and region are ignored. */
  readonly existing: readonly StoredFinding[];
  /** Account, region and time of the run. */
  readonly context: FindingContext;
  /**
   * Users the scan could not check (time budget): their keys are unknown, so their findings are left
   * as they are, neither updated nor archived. @default []
   */
  readonly uncheckedUsers?: readonly string[];
}

/** What a run sends. */
export interface FindingsPlan {
  /** One ACTIVE finding per flagged key: new, or an update of the stored one (same `Id`, its `CreatedAt` kept). */
  readonly active: readonly AsffFinding[];
  /** Stored ACTIVE findings whose key is no longer flagged, as ARCHIVED. */
  readonly archived: readonly AsffFinding[];
  /** Stored ACTIVE findings left untouched because their user was not checked. */
  readonly untouched: number;
}

/** The filter GetFindings is sent with; moto ignores filters, so {@link isOwnActiveFinding} applies them again. */
export function ownActiveFindingsFilter(context: Pick<FindingContext, "accountId" | "region" | "partition">) {
  const equals = (value: string) => [{ Value: value, Comparison: "EQUALS" as const }];
  return {
    ProductArn: equals(productArn(context)),
    GeneratorId: equals(FINDING_GENERATOR_ID),
    AwsAccountId: equals(context.accountId),
    RecordState: equals("ACTIVE"),
  };
}

/**
 * True for an ACTIVE finding of this monitor in this account and region. In a Security Hub
 * administrator account GetFindings also returns the members' findings, and other products' findings
 * sit beside ours: none of those is ever updated or archived.
 */
export function isOwnActiveFinding(
  finding: StoredFinding,
  context: Pick<FindingContext, "accountId" | "region" | "partition">,
): boolean {
  return (
    finding.GeneratorId === FINDING_GENERATOR_ID &&
    finding.ProductArn === productArn(context) &&
    finding.AwsAccountId === context.accountId &&
    (finding.RecordState ?? "ACTIVE") === "ACTIVE" &&
    typeof finding.Id === "string"
  );
}

/** Decides the run's findings (pure). */
export function planFindings(input: PlanFindingsInput): FindingsPlan {
  const { context } = input;
  const stored = new Map<string, StoredFinding>();
  for (const finding of input.existing) {
    if (isOwnActiveFinding(finding, context)) stored.set(finding.Id as string, finding);
  }
  const keysById = new Map<string, FindingKey>();
  for (const key of input.keys) keysById.set(findingId(context.accountId, key.accessKeyId), key);

  const active: AsffFinding[] = [];
  for (const [id, key] of keysById) {
    if (!isSecurityHubKey(key)) continue;
    const previous = stored.get(id);
    active.push(
      buildFinding(key, context, {
        ...(previous?.CreatedAt ? { createdAt: previous.CreatedAt } : {}),
        ...(previous?.UpdatedAt ? { updatedAfter: previous.UpdatedAt } : {}),
      }),
    );
  }

  const unchecked = new Set(input.uncheckedUsers ?? []);
  const archived: AsffFinding[] = [];
  let untouched = 0;
  for (const [id, finding] of stored) {
    const key = keysById.get(id);
    if (key && isSecurityHubKey(key)) continue;
    if (!key && unchecked.has(userNameOf(finding))) {
      untouched += 1;
      continue;
    }
    archived.push(archiveFinding(finding, context.now, resolutionOf(key)));
  }
  return { active, archived, untouched };
}

/** Why a stored finding is archived. */
export interface Resolution {
  /** For the archived finding's `key-age/Resolution`. */
  readonly text: string;
  /** The key's state now, for the resource details. @default undefined: unknown, the stored one is kept */
  readonly state?: "Active" | "Inactive";
}

/** Why a key no longer has an active finding. */
export function resolutionOf(key: FindingKey | undefined): Resolution {
  if (!key) return { text: "no longer found by the scan (rotated, deleted, or out of the scan's scope)" };
  const texts: Partial<Record<string, string>> = {
    ok: "ok: back under its thresholds",
    exempt: "exempt: its user's key-age:exempt-until date has not come",
    inactive: "inactive: deactivated",
  };
  return { text: texts[key.status] ?? key.status, state: key.state };
}

/** The IAM user a stored finding is about (`<root>` for the root user's key). */
export function userNameOf(finding: StoredFinding): string {
  const details = finding.Resources?.[0]?.Details?.AwsIamAccessKey;
  if (details?.PrincipalType === "Root") return ROOT_USER_NAME;
  return details?.PrincipalName ?? "";
}

/**
 * The stored finding re-sent as ARCHIVED: BatchImportFindings wants every required field again, so
 * the monitor's own fields are copied (Security Hub's `aws/` product fields and the customer's
 * workflow fields are not the provider's to send).
 */
export function archiveFinding(finding: StoredFinding, now: Date, resolution: Resolution): AsffFinding {
  const productFields: Record<string, string> = {};
  for (const [name, value] of Object.entries(finding.ProductFields ?? {})) {
    if (!name.startsWith("aws/")) productFields[name] = value;
  }
  productFields[PRODUCT_FIELDS.resolution] = resolution.text;
  const severityOf = (stored: { readonly Label?: string; readonly Original?: string } | undefined) => ({
    Label: (stored?.Label ?? finding.Severity?.Label) as AsffSeverity["Label"],
    ...(stored?.Original ? { Original: stored.Original } : {}),
  });
  return {
    SchemaVersion: finding.SchemaVersion ?? "",
    Id: finding.Id ?? "",
    ProductArn: finding.ProductArn ?? "",
    ...(finding.ProductName ? { ProductName: finding.ProductName } : {}),
    GeneratorId: finding.GeneratorId ?? "",
    AwsAccountId: finding.AwsAccountId ?? "",
    ...(finding.Region ? { Region: finding.Region } : {}),
    Types: [...(finding.Types ?? [])],
    ...(finding.FirstObservedAt ? { FirstObservedAt: finding.FirstObservedAt } : {}),
    ...(finding.LastObservedAt ? { LastObservedAt: finding.LastObservedAt } : {}),
    CreatedAt: finding.CreatedAt ?? "",
    UpdatedAt: laterThan(now.toISOString(), finding.UpdatedAt),
    Severity: severityOf(finding.Severity),
    Title: finding.Title ?? "",
    Description: finding.Description ?? "",
    Remediation: {
      Recommendation: {
        Text: finding.Remediation?.Recommendation?.Text ?? "",
        Url: finding.Remediation?.Recommendation?.Url ?? "",
      },
    },
    ProductFields: productFields,
    Resources: (finding.Resources ?? []).map((resource) => copyResource(resource, resolution.state)),
    FindingProviderFields: {
      Severity: severityOf(finding.FindingProviderFields?.Severity ?? finding.Severity),
      Types: [...(finding.FindingProviderFields?.Types ?? finding.Types ?? [])],
    },
    RecordState: "ARCHIVED",
  };
}

function copyResource(resource: StoredResource, state: "Active" | "Inactive" | undefined): AsffResource {
  const details = resource.Details?.AwsIamAccessKey;
  const partition = resource.Partition;
  return {
    Type: resource.Type ?? "",
    Id: resource.Id ?? "",
    ...(partition === "aws" || partition === "aws-cn" || partition === "aws-us-gov" ? { Partition: partition } : {}),
    ...(resource.Region ? { Region: resource.Region } : {}),
    ...(details
      ? {
          Details: {
            AwsIamAccessKey: {
              AccessKeyId: details.AccessKeyId ?? "",
              PrincipalName: details.PrincipalName ?? "",
              PrincipalType: details.PrincipalType ?? "",
              Status: state ?? (details.Status === "Inactive" ? "Inactive" : "Active"),
              ...(details.CreatedAt ? { CreatedAt: details.CreatedAt } : {}),
              AccountId: details.AccountId ?? "",
            },
          },
        }
      : {}),
  };
}
