import { IAMClient } from "@aws-sdk/client-iam";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import {
  ACCOUNT_WIDE_IAM_ACTIONS,
  ALERT_STATE_DYNAMODB_ACTIONS,
  ENFORCEMENT_IAM_ACTIONS,
  USER_SCOPED_IAM_ACTIONS,
} from "../../../handler/runtime/aws-contract";
import { classifyKeys } from "../../../handler/scan/classify";
import { deactivateKeys } from "../../../handler/enforcement/deactivate-keys";
import { createEnforcementStateStore } from "../../../handler/enforcement/enforcement-state-store";
import type { Thresholds } from "../../../handler/scan/classify";
import { parseUserTags, userThresholds } from "../../../handler/scan/user-tags";
import { createAlertStateStore } from "../../../handler/alerts/alert-state-store";
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

  test("covers the enforcement records' DynamoDB calls (the alert-state table's grant)", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.resolves({ Items: [] });
    try {
      const store = createEnforcementStateStore({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
        tableName: "table",
      });
      await store.load();
      await store.put([{ accessKeyId: "AKIAALICE00000000001", userName: "alice", reactivations: 0, expiresAt: NOW }]);
      const sent = mock.calls().map((call) => (call.args[0] as object).constructor.name);
      expect(sent.sort()).toEqual(["PutCommand", "ScanCommand"]);
      expect(ALERT_STATE_DYNAMODB_ACTIONS).toEqual(expect.arrayContaining(["dynamodb:Scan", "dynamodb:PutItem"]));
    } finally {
      mock.restore();
    }
  });

  test("covers every DynamoDB call of the alert-state store", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.resolves({ Items: [] });
    try {
      const store = createAlertStateStore({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
        tableName: "table",
      });
      await store.load();
      const record = {
        accessKeyId: "AKIAALICE00000000001",
        userName: "alice",
        status: "critical" as const,
        announcedAt: NOW,
        since: NOW,
        eventId: "e",
        expiresAt: NOW,
      };
      await store.apply([
        { type: "put", record },
        { type: "delete", accessKeyId: "AKIABOB0000000000001" },
      ]);
      // The document client's Scan/Put/Delete are DynamoDB's Scan/PutItem/DeleteItem.
      const itemActions: Record<string, string> = {
        Scan: "dynamodb:Scan",
        Put: "dynamodb:PutItem",
        Delete: "dynamodb:DeleteItem",
      };
      const sent = new Set(
        mock
          .calls()
          .map((call) => itemActions[(call.args[0] as object).constructor.name.replace(/Command$/, "")] ?? "unknown"),
      );
      expect([...sent].sort()).toEqual([...ALERT_STATE_DYNAMODB_ACTIONS].sort());
    } finally {
      mock.restore();
    }
  });
});
