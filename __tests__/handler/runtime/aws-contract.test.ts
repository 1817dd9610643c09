import { IAMClient } from "@aws-sdk/client-iam";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import {
  ACCOUNT_WIDE_IAM_ACTIONS,
  ALERT_STATE_DYNAMODB_ACTIONS,
  DISPATCH_DYNAMODB_ACTIONS,
  ENFORCEMENT_IAM_ACTIONS,
  LEGACY_ALERT_STATE_DYNAMODB_ACTIONS,
  ORGANIZATION_PARTITION,
  USER_SCOPED_IAM_ACTIONS,
} from "../../../handler/runtime/aws-contract";
import { classifyKeys } from "../../../handler/scan/classify";
import { deactivateKeys } from "../../../handler/enforcement/deactivate-keys";
import { createEnforcementStateStore } from "../../../handler/enforcement/enforcement-state-store";
import type { Thresholds } from "../../../handler/scan/classify";
import { parseUserTags, userThresholds } from "../../../handler/scan/user-tags";
import { accountAlertState } from "../../../handler/alerts/alert-state-store";
import { accountPartition, createAccountStateStore } from "../../../handler/alerts/account-state-store";
import { acquireAccountLease } from "../../../handler/alerts/account-lease";
import { loadAccountScans } from "../../../handler/organization/account-scan-store";
import { createDispatchStore } from "../../../handler/organization/dispatch-store";
import { scanWithCredentialReport } from "../../../handler/scan/credential-report-scan";
import { scanAccount } from "../../../handler/scan/scan-account";
import { credentialReportCsv, mockIamAccount, type FakeUser } from "../support/fake-iam";

// The role's policy is built from aws-contract.ts: every call the edges make must be declared there,
// or the deployed function would meet AccessDenied that no unit test sees.
const DAY = 86_400_000;
const NOW = new Date("2025-06-01T12:00:00Z");
const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const DECLARED_IAM = new Set<string>([
  ...ACCOUNT_WIDE_IAM_ACTIONS.listUsers,
  ...ACCOUNT_WIDE_IAM_ACTIONS.credentialReport,
  ...ACCOUNT_WIDE_IAM_ACTIONS.accountSummary,
  ...USER_SCOPED_IAM_ACTIONS,
]);

describe("the declared AWS contract", () => {
  test("covers every IAM call of both scan strategies, watched users included", async () => {
    const users: FakeUser[] = [
      {
        name: "alice",
        tags: { "key-age:owner": "U1" },
        keys: [{ id: "AKIAALICE00000000001", created: new Date(NOW.getTime() - 100 * DAY), active: true }],
      },
      {
        name: "bob",
        tags: {},
        keys: [{ id: "AKIABOB0000000000001", created: new Date(NOW.getTime() - DAY), active: true, lastUsed: NOW }],
      },
    ];
    const iam = mockIamAccount({
      users,
      report: { csv: credentialReportCsv(users), generatedAt: new Date(NOW.getTime() - 3_600_000) },
    });
    try {
      await scanAccount({ iam: new IAMClient({}) });
      await scanAccount({ iam: new IAMClient({}), watchUsers: ["alice", "nobody"] });
      await scanWithCredentialReport({
        iam: new IAMClient({}),
        thresholds: THRESHOLDS,
        now: () => NOW,
        userThresholds: { thresholdsFor: (tags, defaults) => userThresholds(defaults, parseUserTags(tags)).thresholds },
      });
      const sent = new Set(iam.sentActions());
      expect(sent.size).toBeGreaterThanOrEqual(DECLARED_IAM.size - 1);
      expect([...sent].filter((action) => !DECLARED_IAM.has(action))).toEqual([]);
    } finally {
      iam.restore();
    }
  });

  test("covers the enforcement edge's re-check and deactivation, which armed enforcement is granted", async () => {
    const created = new Date(NOW.getTime() - 200 * DAY);
    const users: FakeUser[] = [
      { name: "alice", tags: {}, keys: [{ id: "AKIAALICE00000000001", created, active: true }] },
    ];
    const iam = mockIamAccount({ users });
    try {
      const [finding] = classifyKeys(
        {
          users: [
            {
              userName: "alice",
              accessKeys: [{ accessKeyId: "AKIAALICE00000000001", state: "Active", createDate: created }],
            },
          ],
        },
        THRESHOLDS,
        NOW,
      ).findings;
      await deactivateKeys([{ finding, date: NOW, setting: "DEACTIVATE_AGE=120d" }], { iam: new IAMClient({}) });
      const declared = new Set<string>([...USER_SCOPED_IAM_ACTIONS, ...ENFORCEMENT_IAM_ACTIONS]);
      const sent = new Set(iam.sentActions());
      expect([...sent].sort()).toEqual(["iam:ListAccessKeys", "iam:UpdateAccessKey"]);
      expect([...sent].filter((action) => !declared.has(action))).toEqual([]);
    } finally {
      iam.restore();
    }
  });

  // The document client's commands are DynamoDB's actions of the same name, `…Item` for single items.
  const dynamodbAction = (call: { args: unknown[] }): string => {
    const name = (call.args[0] as object).constructor.name.replace(/Command$/, "");
    return `dynamodb:${["Put", "Delete", "Get", "Update", "BatchGet", "BatchWrite"].includes(name) ? `${name}Item` : name}`;
  };

  test("covers every DynamoDB call of a run on its account's partition: state, enforcement, lease", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.resolves({ Items: [] });
    try {
      const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
      const partition = accountPartition(createAccountStateStore({ client, tableName: "table" }), "111122223333");
      const state = accountAlertState(partition);
      await state.load();
      const record = {
        accessKeyId: "AKIAALICE00000000001",
        userName: "alice",
        status: "critical" as const,
        announcedAt: NOW,
        since: NOW,
        eventId: "e",
        expiresAt: NOW,
      };
      await state.apply([
        { type: "put", record },
        { type: "delete", accessKeyId: "AKIABOB0000000000001" },
      ]);
      const enforcement = createEnforcementStateStore({ partition });
      await enforcement.load();
      await enforcement.put([
        { accessKeyId: "AKIAALICE00000000001", userName: "alice", reactivations: 0, expiresAt: NOW },
      ]);
      const lease = await acquireAccountLease({
        client,
        tableName: "table",
        accountId: "111122223333",
        holder: "r",
        durationMs: 1,
      });
      if (lease.acquired) await lease.release();
      const sent = new Set(mock.calls().map(dynamodbAction));
      expect([...sent].sort()).toEqual([...ALERT_STATE_DYNAMODB_ACTIONS].sort());
    } finally {
      mock.restore();
    }
  });

  test("covers the one read of the previous layout's table", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.resolves({ Items: [] });
    try {
      const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
      await createAccountStateStore({
        client,
        tableName: "table",
        legacy: { tableName: "old", singleAccount: true },
      }).read("111122223333");
      const onOld = mock
        .calls()
        .filter((call) => (call.args[0] as { input: { TableName?: string } }).input.TableName === "old");
      expect(new Set(onOld.map(dynamodbAction))).toEqual(new Set(LEGACY_ALERT_STATE_DYNAMODB_ACTIONS));
    } finally {
      mock.restore();
    }
  });

  test("covers the dispatcher's DynamoDB calls: scan records by key, its own partition", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.resolves({ Items: [], Responses: {} });
    try {
      const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
      await loadAccountScans(client, "table", ["111122223333"]);
      const records = new Set(mock.calls().map(dynamodbAction));
      expect([...records]).toEqual([...DISPATCH_DYNAMODB_ACTIONS.scanRecords]);
      mock.resetHistory();
      const store = createDispatchStore(client, "table");
      await store.load();
      await store.save([{ accountId: "111122223333", queuedAt: NOW }]);
      const own = new Set(mock.calls().map(dynamodbAction));
      expect(
        [...own].every((action) => (DISPATCH_DYNAMODB_ACTIONS.ownItems as readonly string[]).includes(action)),
      ).toBe(true);
      // Its own items only: every write names the organization's partition.
      for (const call of mock.calls().slice(1)) {
        expect((call.args[0] as { input: { Item?: { accountId?: string } } }).input.Item?.accountId).toBe(
          ORGANIZATION_PARTITION,
        );
      }
    } finally {
      mock.restore();
    }
  });
});
