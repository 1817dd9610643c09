import { ROOT_ACCESS_KEY_ID } from "../scan/inventory";
import { ASFF_SCHEMA_VERSION, BEST_PRACTICES_TYPE, ASFF_LIMITS } from "./asff-finding";

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
