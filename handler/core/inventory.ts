/** Whether IAM lets the key sign requests. */
export type AccessKeyState = "Active" | "Inactive";

/** One access key as a scanner found it. */
export interface AccessKeyRecord {
  /** The full key id; mask it before it leaves the process. */
  readonly accessKeyId: string;
  /** Whether the key can be used. */
  readonly state: AccessKeyState;
  /** When the key was created. */
  readonly createDate: Date;
  /** When the key last signed a request. @default undefined: never used, or not looked up (inactive key) */
  readonly lastUsedDate?: Date;
  /** The service the key last called, such as `s3`. @default undefined */
  readonly lastUsedService?: string;
}

/** One IAM user and their access keys. */
export interface UserRecord {
  /** The IAM user name. */
  readonly userName: string;
  /** The user's access keys, in IAM's order. */
  readonly accessKeys: readonly AccessKeyRecord[];
}

/** Everything a scan strategy (API walk now, credential report later) hands to classification. */
export interface AccessKeyInventory {
  /** Every scanned user, including users without keys. */
  readonly users: readonly UserRecord[];
}

/** What a scan cost and what it could not see. */
export interface ScanStats {
  /** AWS API requests made (each page counts once; SDK retries are not counted). */
  readonly apiCalls: number;
  /** Users that disappeared mid-scan (`NoSuchEntity`) and were skipped. */
  readonly skippedUsers: readonly string[];
  /** Names from `WATCH_USERS` that do not exist in the account. */
  readonly missingWatchedUsers: readonly string[];
}

/** A scanner's result: the inventory plus its stats. */
export interface ScanResult {
  /** The users and keys found. */
  readonly inventory: AccessKeyInventory;
  /** Cost and gaps of the scan. */
  readonly stats: ScanStats;
}
