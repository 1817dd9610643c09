import { createHash, createHmac } from "node:crypto";
import { createSecurityHubClient, SECURITY_HUB_BACKOFF } from "../../../handler/security-hub/security-hub-http";
import { type SentRequest, fakeFetch } from "./support/fake-fetch";

// The hand-written client's wire: what it sends (signed as AWS checks it), where, and what it reads
// back. Retries, errors and endpoints have files of their own.
const KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const SESSION = { ...KEYS, accessKeyId: "ASIAEXAMPLE", sessionToken: "session-token-example" };

const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The SigV4 signature of a request as sent, computed here from the protocol's definition (not with the
 * SDK's signer), so a wrong canonical request (path, host, signed headers, payload hash) shows.
 */
function expectedSignature(request: SentRequest, secretAccessKey: string): string {
  const authorization = request.headers.authorization ?? "";
  const [, scope = "", signedHeaders = ""] =
    /Credential=[^/]+\/([^,]+), SignedHeaders=([^,]+), Signature=/.exec(authorization) ?? [];
  const [date, region, service] = scope.split("/");
  const url = new URL(request.url);
  const canonicalHeaders = signedHeaders
    .split(";")
    .map((name) => `${name}:${(name === "host" ? url.host : (request.headers[name] ?? "")).trim()}\n`)
    .join("");
  const canonicalRequest = [
    request.method,
    url.pathname,
    "",
    canonicalHeaders,
    signedHeaders,
    sha256(request.body),
  ].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", request.headers["x-amz-date"], scope, sha256(canonicalRequest)].join("\n");
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  return hmac(key, stringToSign).toString("hex");
}

const today = () => new Date().toISOString().slice(0, 10).replaceAll("-", "");

test("a request carries a SigV4 signature for securityhub in the client's region, which verifies", async () => {
  const { fetch, sent } = fakeFetch({ status: 200, body: { Findings: [] } });
  const client = createSecurityHubClient({ region: "eu-west-1", credentials: KEYS, fetch, env: {} });
  await client.getFindings({ MaxResults: 100 });

  expect(sent).toHaveLength(1);
  const [request] = sent;
  expect(request.url).toBe("https://securityhub.eu-west-1.amazonaws.com/findings");
  expect(request.method).toBe("POST");
  expect(request.headers["content-type"]).toBe("application/json");
  expect(request.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
  expect(request.headers.authorization).toMatch(
    new RegExp(
      `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${today()}/eu-west-1/securityhub/aws4_request, ` +
        "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$",
    ),
  );
  expect(request.headers["x-amz-security-token"]).toBeUndefined();
  const signature = request.headers.authorization?.split("Signature=")[1];
  expect(signature).toBe(expectedSignature(request, KEYS.secretAccessKey));
});

test("session credentials add X-Amz-Security-Token, signed with the request", async () => {
  const { fetch, sent } = fakeFetch({ status: 200, body: {} });
  const client = createSecurityHubClient({ region: "us-east-1", credentials: SESSION, fetch, env: {} });
  await client.batchImportFindings({ Findings: [] });

  const [request] = sent;
  expect(request.headers["x-amz-security-token"]).toBe("session-token-example");
  expect(request.headers.authorization).toMatch(/Credential=ASIAEXAMPLE\/\d{8}\/us-east-1\/securityhub\/aws4_request/);
  expect(request.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  expect(request.headers.authorization?.split("Signature=")[1]).toBe(
    expectedSignature(request, SESSION.secretAccessKey),
  );
});

test("a credentials provider is asked for each request (the member role's, or the default chain's)", async () => {
  const { fetch, sent } = fakeFetch({ status: 200, body: {} });
  const provider = jest.fn(async () => SESSION);
  const client = createSecurityHubClient({ region: "us-east-1", credentials: provider, fetch, env: {} });
  await client.getFindings({});
  await client.getFindings({});
  expect(provider).toHaveBeenCalledTimes(2);
  expect(sent.map((request) => request.headers["x-amz-security-token"])).toEqual([
    "session-token-example",
    "session-token-example",
  ]);
});

test("without explicit credentials the default chain reads the environment, like the SDK clients", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: "AKIDFROMENV",
    AWS_SECRET_ACCESS_KEY: "secret-from-env",
    AWS_SESSION_TOKEN: "token-from-env",
  });
  try {
    const { fetch, sent } = fakeFetch({ status: 200, body: {} });
    await createSecurityHubClient({ region: "us-east-1", fetch, env: {} }).getFindings({});
    expect(sent[0].headers.authorization).toMatch(/Credential=AKIDFROMENV\//);
    expect(sent[0].headers["x-amz-security-token"]).toBe("token-from-env");
    expect(sent[0].headers.authorization?.split("Signature=")[1]).toBe(expectedSignature(sent[0], "secret-from-env"));
  } finally {
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});

test("the operations post their input as JSON to their paths and return the parsed answer", async () => {
  const { fetch, sent } = fakeFetch(
    { status: 200, body: { Findings: [{ Id: "a", RecordState: "ACTIVE" }], NextToken: "next" } },
    { status: 200, body: { FailedCount: 1, SuccessCount: 0, FailedFindings: [{ Id: "a", ErrorCode: "X" }] } },
  );
  const client = createSecurityHubClient({
    region: "us-east-1",
    credentials: KEYS,
    endpoint: "http://127.0.0.1:4566/base/",
    fetch,
  });
  const filters = { RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" as const }] };
  const page = await client.getFindings({ Filters: filters, MaxResults: 100, NextToken: "t" });
  expect(page).toEqual({ Findings: [{ Id: "a", RecordState: "ACTIVE" }], NextToken: "next" });
  const imported = await client.batchImportFindings({ Findings: [] });
  expect(imported.FailedFindings).toEqual([{ Id: "a", ErrorCode: "X" }]);

  expect(sent.map((request) => request.url)).toEqual([
    "http://127.0.0.1:4566/base/findings",
    "http://127.0.0.1:4566/base/findings/import",
  ]);
  expect(JSON.parse(sent[0].body)).toEqual({ Filters: filters, MaxResults: 100, NextToken: "t" });
  expect(JSON.parse(sent[1].body)).toEqual({ Findings: [] });
  // The signature covers the port, as the Host header fetch sends carries it.
  expect(sent[0].headers.authorization?.split("Signature=")[1]).toBe(expectedSignature(sent[0], KEYS.secretAccessKey));
});

test("a failed call rejects with the error named by its code and carrying the status", async () => {
  const { fetch } = fakeFetch({
    status: 403,
    body: { message: "User is not authorized to perform: securityhub:GetFindings" },
    headers: { "x-amzn-errortype": "AccessDeniedException:http://internal.amazon.com/coral/" },
  });
  const client = createSecurityHubClient({ region: "us-east-1", credentials: KEYS, fetch, env: {} });
  await expect(client.getFindings({})).rejects.toMatchObject({
    name: "AccessDeniedException",
    message: "User is not authorized to perform: securityhub:GetFindings",
    $metadata: { httpStatusCode: 403 },
  });
});

test("without a region the client is still built, and each call rejects saying so", async () => {
  const { fetch, sent } = fakeFetch({ status: 200, body: {} });
  const client = createSecurityHubClient({ credentials: KEYS, fetch, env: {} });
  expect(() => client.region()).toThrow(/Region is missing/);
  await expect(client.getFindings({})).rejects.toThrow(/Region is missing/);
  expect(sent).toEqual([]);
});

test("the default backoff is Security Hub's", () => {
  expect(SECURITY_HUB_BACKOFF).toEqual({
    maxAttempts: 8,
    maxTransientAttempts: 4,
    throttlingBaseMs: 500,
    transientBaseMs: 200,
    maxDelayMs: 5_000,
  });
});
