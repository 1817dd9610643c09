import { resolveEndpoint, resolveRegion } from "../../../handler/security-hub/security-hub-endpoint";

// The endpoint and region as the SDK clients resolve them: the tests, the demo and users point Security
// Hub elsewhere with AWS_ENDPOINT_URL_SECURITYHUB or AWS_ENDPOINT_URL.
describe("resolveEndpoint", () => {
  test("the service's own variable comes first, then the global one", () => {
    const env = { AWS_ENDPOINT_URL_SECURITYHUB: "http://127.0.0.1:7000", AWS_ENDPOINT_URL: "http://127.0.0.1:5000" };
    expect(resolveEndpoint("us-east-1", env).href).toBe("http://127.0.0.1:7000/");
    expect(resolveEndpoint("us-east-1", { AWS_ENDPOINT_URL: "http://127.0.0.1:5000" }).href).toBe(
      "http://127.0.0.1:5000/",
    );
  });

  test("without either, the region's endpoint, in amazonaws.com.cn for the China regions", () => {
    expect(resolveEndpoint("eu-central-1", {}).href).toBe("https://securityhub.eu-central-1.amazonaws.com/");
    expect(resolveEndpoint("us-gov-west-1", {}).href).toBe("https://securityhub.us-gov-west-1.amazonaws.com/");
    expect(resolveEndpoint("cn-north-1", {}).href).toBe("https://securityhub.cn-north-1.amazonaws.com.cn/");
    expect(resolveEndpoint("cn-northwest-1", {}).href).toBe("https://securityhub.cn-northwest-1.amazonaws.com.cn/");
  });

  test("an empty variable counts as unset, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores both", () => {
    expect(resolveEndpoint("us-east-1", { AWS_ENDPOINT_URL_SECURITYHUB: "", AWS_ENDPOINT_URL: "" }).host).toBe(
      "securityhub.us-east-1.amazonaws.com",
    );
    expect(
      resolveEndpoint("us-east-1", {
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
        AWS_ENDPOINT_URL_SECURITYHUB: "http://127.0.0.1:7000",
        AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
      }).host,
    ).toBe("securityhub.us-east-1.amazonaws.com");
  });
});

describe("resolveRegion", () => {
  test("explicit, then AWS_REGION, then AWS_DEFAULT_REGION, else none", () => {
    const env = { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-west-2" };
    expect(resolveRegion(env, "ap-southeast-2")).toBe("ap-southeast-2");
    expect(resolveRegion(env)).toBe("eu-west-1");
    expect(resolveRegion({ AWS_DEFAULT_REGION: "us-west-2" })).toBe("us-west-2");
    expect(resolveRegion({})).toBeUndefined();
  });
});
