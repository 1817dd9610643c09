import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { WEBHOOK_CACHE_MS, WebhookSecretError, createWebhookUrlProvider } from "../../../handler/slack/webhook-secret";

const ssmMock = mockClient(SSMClient);
const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

beforeEach(() => ssmMock.reset());

describe("createWebhookUrlProvider", () => {
  it("reads the SecureString decrypted, once per container while the cache is fresh", async () => {
    ssmMock
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: "/key-age/webhook", Type: "SecureString", Value: `${WEBHOOK}\n` } });
    const ssm = new SSMClient({});
    const provider = createWebhookUrlProvider({ kind: "ssm-parameter", parameterName: "/key-age/webhook" }, () => ssm);

    await expect(Promise.all([provider(), provider()])).resolves.toEqual([WEBHOOK, WEBHOOK]);
    await expect(provider()).resolves.toBe(WEBHOOK);

    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssmMock.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({
      Name: "/key-age/webhook",
      WithDecryption: true,
    });
  });

  it("reads the parameter again once the cached URL is 15 minutes old, so a rotated webhook is picked up", async () => {
    const ROTATED = "https://hooks.slack.com/services/T0000/B0000/rotatedXXXX";
    ssmMock
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: WEBHOOK } })
      .resolves({ Parameter: { Value: ROTATED } });
    let now = 0;
    const provider = createWebhookUrlProvider(
      { kind: "ssm-parameter", parameterName: "/p" },
      () => new SSMClient({}),
      () => now,
    );

    await expect(provider()).resolves.toBe(WEBHOOK);
    now = WEBHOOK_CACHE_MS - 1;
    await expect(provider()).resolves.toBe(WEBHOOK);
    now = WEBHOOK_CACHE_MS;
    await expect(provider()).resolves.toBe(ROTATED);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("does not cache a failure, and names the parameter", async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: "not found", $metadata: {} }))
      .resolves({ Parameter: { Value: WEBHOOK } });
    const provider = createWebhookUrlProvider(
      { kind: "ssm-parameter", parameterName: "/key-age/webhook" },
      () => new SSMClient({}),
    );

    const error = (await provider().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect(error.message).toBe(
      "Could not read the Slack webhook from SSM parameter /key-age/webhook: ParameterNotFound: not found",
    );
    await expect(provider()).resolves.toBe(WEBHOOK);
  });

  it("rejects a parameter that does not hold a URL, without quoting it", async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: "xoxb-not-a-webhook" } });
    const provider = createWebhookUrlProvider({ kind: "ssm-parameter", parameterName: "/p" }, () => new SSMClient({}));
    const error = (await provider().catch((e: unknown) => e)) as Error;
    expect(error.message).toBe("SSM parameter /p does not hold an https webhook URL (http only to a loopback address)");
  });

  // Issue case 8: SSM's value is judged by the same rule as SLACK_WEBHOOK_URL set directly.
  it.each([
    ["the instance metadata service", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"],
    ["plain http to another host", "http://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX"],
    ["another scheme", "file:///etc/passwd"],
  ])("refuses a stored URL to %s, without quoting it", async (_what, value) => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
    const provider = createWebhookUrlProvider({ kind: "ssm-parameter", parameterName: "/p" }, () => new SSMClient({}));
    const error = (await provider().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect(error.message).toBe("SSM parameter /p does not hold an https webhook URL (http only to a loopback address)");
    expect(error.message).not.toContain(value);
  });

  it.each(["http://127.0.0.1:8080/services/T/B/secret", "http://localhost:9/services/T/B/secret", WEBHOOK])(
    "accepts a stored https URL, or http to loopback: %s",
    async (value) => {
      ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
      const provider = createWebhookUrlProvider(
        { kind: "ssm-parameter", parameterName: "/p" },
        () => new SSMClient({}),
      );
      await expect(provider()).resolves.toBe(value);
    },
  );

  it("returns a plain URL without calling SSM", async () => {
    const provider = createWebhookUrlProvider({ kind: "url", url: WEBHOOK }, () => {
      throw new Error("SSM must not be built");
    });
    await expect(provider()).resolves.toBe(WEBHOOK);
  });
});
