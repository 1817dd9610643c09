import { buildFinding, type AsffFinding } from "../../../handler/security-hub/asff-finding";
import { exportFindings, importFindings } from "../../../handler/security-hub/import-findings";
import { createSecurityHubClient, SECURITY_HUB_BACKOFF } from "../../../handler/security-hub/security-hub-http";
import { fakeFetch, type SentRequest } from "./support/fake-fetch";

// The paths of the edge that make no request; the wire is covered by the integration test on moto.
const NOW = new Date("2025-06-01T12:00:00.000Z");
const CONTEXT = { accountId: "111122223333", region: "us-east-1", now: NOW };
// Every request fails as if nothing listened (no retry), and is recorded: the tests count what was sent.
let sent: SentRequest[] = [];
const offline = () => {
  const fake = fakeFetch(new TypeError("fetch failed"));
  sent = fake.sent;
  return createSecurityHubClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    env: {},
    fetch: fake.fetch,
    backoff: { ...SECURITY_HUB_BACKOFF, maxAttempts: 1, maxTransientAttempts: 1 },
  });
};

function finding(): AsffFinding {
  return buildFinding(
    {
      userName: "alice",
      accessKeyId: "AKIAALICE00000000001",
      state: "Active",
      status: "critical",
      createDate: new Date(NOW.getTime() - 100 * 86_400_000),
    },
    CONTEXT,
  );
}

test("an invalid finding is not sent and counts as failed, with the validator's reason", async () => {
  const client = offline();
  const result = await importFindings(client, [{ ...finding(), Description: "" }]);
  expect(result).toMatchObject({ imported: 0, archived: 0, failed: 1, importRequests: 0 });
  expect(result.rejected[0]).toMatchObject({
    code: "Invalid",
    message: expect.stringMatching(/Description is missing/),
  });
  expect(result.error).toMatch(/^1 of 1 findings not taken by Security Hub: Invalid: Description is missing/);
  expect(sent).toEqual([]);
});

test("nothing to send makes no request and reports nothing failed", async () => {
  const client = offline();
  expect(await importFindings(client, [])).toEqual({
    imported: 0,
    archived: 0,
    failed: 0,
    rejected: [],
    importRequests: 0,
  });
  expect(sent).toEqual([]);
});

test("an export that cannot reach Security Hub returns the error instead of throwing", async () => {
  const client = offline();
  const result = await exportFindings({
    client,
    accountId: CONTEXT.accountId,
    keys: [{ userName: "alice", accessKeyId: "AKIAALICE00000000001", state: "Active", status: "critical" }],
    now: NOW,
  });
  expect(result).toMatchObject({ imported: 0, archived: 0, failed: 1, readRequests: 1, importRequests: 0 });
  expect(result.error).toMatch(/^GetFindings failed: TypeError: fetch failed/);
  expect(sent.map((request) => new URL(request.url).pathname)).toEqual(["/findings"]);
});
