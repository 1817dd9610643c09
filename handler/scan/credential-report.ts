/** One access-key slot of a credential-report row (IAM allows at most two keys per user). */
export interface ReportedAccessKey {
  /** Which column group it came from: `access_key_1_*` or `access_key_2_*`. */
  readonly slot: 1 | 2;
  /** `access_key_N_active` when the report was generated. */
  readonly active: boolean;
  /** `access_key_N_last_rotated`: the key's creation time. */
  readonly createDate: Date;
  /**
   * `access_key_N_last_used_date`: a date, `never` (`N/A`: not used when the report was generated), or
   * `unknown` (`no_information`, `not_supported`, or an unparsable value).
   */
  readonly lastUsed: Date | "never" | "unknown";
}

/** One IAM user's row of the credential report, reduced to what the key scan needs. */
export interface CredentialReportRow {
  /** The `user` column. */
  readonly userName: string;
  /** The keys that existed when the report was generated (slots whose `last_rotated` is a date). */
  readonly accessKeys: readonly ReportedAccessKey[];
}

/** Thrown when the report is not the CSV IAM documents. */
export class CredentialReportFormatError extends Error {
  constructor(message: string) {
    super(`Credential report: ${message}`);
    this.name = "CredentialReportFormatError";
  }
}

/** The report's name for the account root user, which is not an IAM user and has no listable keys. */
export const ROOT_ACCOUNT_ROW = "<root_account>";

const REQUIRED_COLUMNS = [
  "user",
  ...[1, 2].flatMap((slot) => [
    `access_key_${slot}_active`,
    `access_key_${slot}_last_rotated`,
    `access_key_${slot}_last_used_date`,
  ]),
];

/**
 * Parses the credential report's CSV into one row per IAM user (the root account row is left out).
 * Columns are found by header name, so extra or reordered columns are fine; a missing required column,
 * a row whose field count differs from the header, or a key slot marked active without a creation date
 * is a {@link CredentialReportFormatError}: a report that cannot be read must not silently hide keys.
 */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  return parseCredentialReportWithRoot(csv).rows;
}

/**
 * {@link parseCredentialReport}, plus the root user's row (`<root_account>`) on its own: its access
 * keys are the root user's, which no IAM user listing shows.
 */
export function parseCredentialReportWithRoot(csv: string): {
  readonly rows: CredentialReportRow[];
  readonly root?: CredentialReportRow;
} {
  const [header, ...records] = parseCsv(csv);
  if (!header) throw new CredentialReportFormatError("the report is empty");
  const column = new Map(header.map((name, index) => [name.trim(), index]));
  const missing = REQUIRED_COLUMNS.filter((name) => !column.has(name));
  if (missing.length > 0) throw new CredentialReportFormatError(`missing column(s) ${missing.join(", ")}`);
  const field = (record: string[], name: string): string => record[column.get(name) as number].trim();

  const rows: CredentialReportRow[] = [];
  let root: CredentialReportRow | undefined;
  records.forEach((record, index) => {
    if (record.length === 1 && record[0] === "") return; // a blank line
    if (record.length !== header.length) {
      throw new CredentialReportFormatError(
        `line ${index + 2} has ${record.length} fields, the header has ${header.length}`,
      );
    }
    const userName = field(record, "user");
    const accessKeys: ReportedAccessKey[] = [];
    for (const slot of [1, 2] as const) {
      const active = field(record, `access_key_${slot}_active`).toLowerCase() === "true";
      const createDate = parseReportDate(field(record, `access_key_${slot}_last_rotated`));
      if (!createDate) {
        if (active) {
          throw new CredentialReportFormatError(
            `user ${userName}: access key ${slot} is active but has no last_rotated date`,
          );
        }
        continue; // no key in this slot
      }
      const lastUsedRaw = field(record, `access_key_${slot}_last_used_date`);
      const lastUsed = lastUsedRaw === "N/A" ? "never" : (parseReportDate(lastUsedRaw) ?? "unknown");
      accessKeys.push({ slot, active, createDate, lastUsed });
    }
    if (userName === ROOT_ACCOUNT_ROW) root = { userName, accessKeys };
    else rows.push({ userName, accessKeys });
  });
  return { rows, ...(root ? { root } : {}) };
}

/** An ISO 8601 date of the report, or `undefined` for `N/A`, `no_information`, `not_supported` and the like. */
function parseReportDate(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Splits RFC 4180 CSV into records of fields: quoted fields may hold commas, line breaks and doubled
 * quotes; records end with CRLF or LF; a final line break does not add a record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let fieldText = "";
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') fieldText += char;
      else if (text[i + 1] === '"') {
        fieldText += '"';
        i += 1;
      } else quoted = false;
      continue;
    }
    if (char === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (char === ",") {
      record.push(fieldText);
      fieldText = "";
      atFieldStart = true;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      record.push(fieldText);
      records.push(record);
      record = [];
      fieldText = "";
      atFieldStart = true;
    } else {
      fieldText += char;
      atFieldStart = false;
    }
  }
  if (quoted) throw new CredentialReportFormatError("a quoted field is not closed");
  if (!atFieldStart || fieldText !== "" || record.length > 0) {
    record.push(fieldText);
    records.push(record);
  }
  return records;
}
