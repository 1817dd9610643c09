import {
  maskAccessKeyId,
  maskSlackToken,
  maskWebhookUrl,
  redactSlackToken,
  redactWebhookUrl,
} from "../../../handler/runtime/mask";

const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

describe("maskAccessKeyId", () => {
  it("keeps the first and last four characters", () => {
    expect(maskAccessKeyId("AKIAIOSFODNN7EXAWXYZ")).toBe("AKIA…WXYZ");
  });

  it("hides ids too short to mask safely", () => {
    expect(maskAccessKeyId("AKIAWXYZ")).toBe("…");
  });
});

describe("maskWebhookUrl", () => {
  it("keeps only the origin", () => {
    expect(maskWebhookUrl(WEBHOOK)).toBe("https://hooks.slack.com/…");
  });

  it("hides what is not a URL", () => {
    expect(maskWebhookUrl("not a url/secret")).toBe("…");
  });
});

describe("redactWebhookUrl", () => {
  it("replaces the URL and its secret path wherever they appear", () => {
    const text = `POST ${WEBHOOK} failed; path /services/T0000/B0000/XXXXsecretXXXX`;
    const redacted = redactWebhookUrl(text, WEBHOOK);
    expect(redacted).not.toContain("XXXXsecretXXXX");
    expect(redacted).toContain("https://hooks.slack.com/…");
  });

  it("catches a bare path echo: the path without its slash, and each tail of it down to the secret", () => {
    for (const echo of [
      "services/T0000/B0000/XXXXsecretXXXX",
      "T0000/B0000/XXXXsecretXXXX",
      "B0000/XXXXsecretXXXX",
      "token XXXXsecretXXXX is unknown",
    ]) {
      const redacted = redactWebhookUrl(`no_service: ${echo}`, WEBHOOK);
      expect(redacted).not.toContain("XXXXsecretXXXX");
      expect(redacted).toContain("no_service: ");
    }
  });

  it("leaves common path words alone", () => {
    expect(redactWebhookUrl("see /services for help", WEBHOOK)).toBe("see /services for help");
  });

  it("leaves text alone when no URL is known", () => {
    expect(redactWebhookUrl("plain", undefined)).toBe("plain");
  });
});

describe("maskSlackToken and redactSlackToken", () => {
  const token = "xoxb-1111-2222-s3cr3t";

  it("keeps only the token type", () => {
    expect(maskSlackToken(token)).toBe("xoxb-…");
    expect(maskSlackToken("s3cr3t")).toBe("…");
  });

  it("replaces the token wherever it appears", () => {
    expect(redactSlackToken(`Bearer ${token} refused`, token)).toBe("Bearer xoxb-… refused");
    expect(redactSlackToken("nothing to hide", undefined)).toBe("nothing to hide");
  });
});
