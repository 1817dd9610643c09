import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";

/** One key of the fake account. */
export interface FakeKey {
  id: string;
  created: Date;
  active: boolean;
  lastUsed?: Date;
}

/** One user of the fake account. */
export interface FakeUser {
  name: string;
  tags: Record<string, string>;
  keys: FakeKey[];
  /** ARNs of the managed policies attached to the user. @default none */
  policies?: string[];
}

/** An IAM account held in memory: what the IAM mock answers from. */
export interface FakeAccount {
  users: FakeUser[];
  /** The credential report IAM would hand out, and when it was generated. */
  report?: { csv: string; generatedAt: Date };
  /** Whether the root user has an access key now (`GetAccountSummary`). @default false */
  rootAccessKey?: boolean;
  /** `GetAccountSummary` fails after this many milliseconds, like a throttled request abandoned late. @default undefined: it answers */
  accountSummaryFailsAfterMs?: number;
}

export const PAGE = 7; // small pages, so every paginator turns pages

function page<T>(items: readonly T[], marker: string | undefined): { items: T[]; next?: string } {
  const start = marker ? Number(marker) : 0;
  const end = start + PAGE;
  return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
}

const noSuchEntity = (what: string) => new NoSuchEntityException({ message: `${what} cannot be found`, $metadata: {} });

/** Points every IAMClient at `account` (through aws-sdk-client-mock); `calls` counts requests by command. */
export function mockIamAccount(account: FakeAccount): {
  calls: Map<string, number>;
  /** The IAM action of every command sent, mocked or not (`iam:ListUsers`, …). */
  sentActions(): string[];
  restore(): void;
} {
  const mock = mockClient(IAMClient);
  const calls = new Map<string, number>();
  const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
  // IAM matches user names regardless of case (they are unique that way) and answers with the user's own spelling.
  const user = (name: string | undefined) => {
    const found = account.users.find((u) => u.name.toLowerCase() === name?.toLowerCase());
    if (!found) throw noSuchEntity(`user ${name}`);
    return found;
  };
  mock.on(ListUsersCommand).callsFake((input: { Marker?: string }) => {
    count("ListUsers");
    const { items, next } = page(account.users, input.Marker);
    return {
      Users: items.map((u) => ({ UserName: u.name })),
      IsTruncated: next !== undefined,
      ...(next ? { Marker: next } : {}),
    };
  });
  mock.on(GetUserCommand).callsFake((input: { UserName?: string }) => {
    count("GetUser");
    return { User: { UserName: user(input.UserName).name } };
  });
  mock.on(ListAccessKeysCommand).callsFake((input: { UserName?: string; Marker?: string }) => {
    count("ListAccessKeys");
    const { items, next } = page(user(input.UserName).keys, input.Marker);
    return {
      AccessKeyMetadata: items.map((k) => ({
        AccessKeyId: k.id,
        CreateDate: k.created,
        Status: k.active ? "Active" : "Inactive",
      })),
      IsTruncated: next !== undefined,
      ...(next ? { Marker: next } : {}),
    };
  });
  mock.on(GetAccessKeyLastUsedCommand).callsFake((input: { AccessKeyId?: string }) => {
    count("GetAccessKeyLastUsed");
    const owner = account.users.find((u) => u.keys.some((k) => k.id === input.AccessKeyId));
    const key = owner?.keys.find((k) => k.id === input.AccessKeyId);
    if (!owner || !key) throw noSuchEntity(`key ${input.AccessKeyId}`);
    return {
      UserName: owner.name,
      AccessKeyLastUsed: key.lastUsed ? { LastUsedDate: key.lastUsed, ServiceName: "s3" } : { ServiceName: "N/A" },
    };
  });
  mock.on(ListUserTagsCommand).callsFake((input: { UserName?: string }) => {
    count("ListUserTags");
    return {
      Tags: Object.entries(user(input.UserName).tags).map(([Key, Value]) => ({ Key, Value })),
      IsTruncated: false,
    };
  });
  mock.on(ListAttachedUserPoliciesCommand).callsFake((input: { UserName?: string }) => {
    count("ListAttachedUserPolicies");
    const attached = user(input.UserName).policies ?? [];
    return {
      AttachedPolicies: attached.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split("/").pop() })),
      IsTruncated: false,
    };
  });
  mock.on(GetAccountAuthorizationDetailsCommand).callsFake((input: { Marker?: string }) => {
    count("GetAccountAuthorizationDetails");
    const { items, next } = page(account.users, input.Marker);
    return {
      UserDetailList: items.map((u) => ({
        UserName: u.name,
        Tags: Object.entries(u.tags).map(([Key, Value]) => ({ Key, Value })),
        AttachedManagedPolicies: (u.policies ?? []).map((PolicyArn) => ({
          PolicyArn,
          PolicyName: PolicyArn.split("/").pop(),
        })),
      })),
      IsTruncated: next !== undefined,
      ...(next ? { Marker: next } : {}),
    };
  });
  mock.on(GetAccountSummaryCommand).callsFake(async () => {
    count("GetAccountSummary");
    const delay = account.accountSummaryFailsAfterMs;
    if (delay !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      throw new Error("GetAccountSummary abandoned");
    }
    return { SummaryMap: { Users: account.users.length, AccountAccessKeysPresent: account.rootAccessKey ? 1 : 0 } };
  });
  mock.on(GenerateCredentialReportCommand).callsFake(() => {
    count("GenerateCredentialReport");
    return { State: "COMPLETE" };
  });
  mock.on(GetCredentialReportCommand).callsFake(() => {
    count("GetCredentialReport");
    if (!account.report) throw Object.assign(new Error("no report"), { name: "CredentialReportNotPresentException" });
    return {
      Content: new TextEncoder().encode(account.report.csv),
      GeneratedTime: account.report.generatedAt,
      ReportFormat: "text/csv",
    };
  });
  return {
    calls,
    sentActions: () =>
      mock.calls().map((call) => `iam:${(call.args[0] as object).constructor.name.replace(/Command$/, "")}`),
    restore: () => mock.restore(),
  };
}

const REPORT_HEADER =
  "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation," +
  "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region," +
  "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date," +
  "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** The credential report AWS would generate for `users` (a snapshot), root row included, CRLF-free. */
export function credentialReportCsv(users: readonly FakeUser[], rootKey?: FakeKey): string {
  const rootSlot = rootKey
    ? `${rootKey.active},${iso(rootKey.created)},${rootKey.lastUsed ? `${iso(rootKey.lastUsed)},us-east-1,s3` : "N/A,N/A,N/A"}`
    : "false,N/A,N/A,N/A,N/A";
  const lines = [
    REPORT_HEADER,
    "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00," +
      `not_supported,not_supported,true,${rootSlot},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  ];
  for (const user of users) {
    const slots = [0, 1].map((i) => {
      const key = user.keys[i];
      if (!key) return ["false", "N/A", "N/A", "N/A", "N/A"];
      return [
        String(key.active),
        iso(key.created),
        key.lastUsed ? iso(key.lastUsed) : "N/A",
        key.lastUsed ? "us-east-1" : "N/A",
        key.lastUsed ? "s3" : "N/A",
      ];
    });
    const fields = [
      user.name,
      `arn:aws:iam::123456789012:user/${user.name}`,
      "2020-01-01T00:00:00+00:00",
      "false",
      "N/A",
      "N/A",
      "N/A",
      "false",
      ...slots[0],
      ...slots[1],
      "false",
      "N/A",
      "false",
      "N/A",
    ];
    lines.push(fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(","));
  }
  return `${lines.join("\n")}\n`;
}
