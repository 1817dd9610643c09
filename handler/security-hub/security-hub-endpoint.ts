/**
 * Where the hand-written Security Hub client sends its requests, resolved the way the SDK clients do
 * (so `AWS_ENDPOINT_URL_SECURITYHUB` and `AWS_ENDPOINT_URL`, which the tests, the demo and users rely
 * on, keep working): the service's own variable, then the global one, else the regional endpoint.
 */
import { partitionOf } from "./asff-finding";

/** The environment variables read here. */
export type EndpointEnv = Readonly<Record<string, string | undefined>>;

/**
 * The region: `explicit`, else `AWS_REGION` (Lambda sets it), else `AWS_DEFAULT_REGION` (the CLI's).
 * Undefined when none is set. (Unlike the SDK, the `~/.aws/config` profile's region is not read: the
 * function always has `AWS_REGION`.)
 */
export function resolveRegion(env: EndpointEnv, explicit?: string): string | undefined {
  return explicit || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/**
 * The endpoint's URL: `AWS_ENDPOINT_URL_SECURITYHUB`, else `AWS_ENDPOINT_URL` (both ignored when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`, as in the SDK), else `https://securityhub.<region>.<domain>`,
 * the domain `amazonaws.com.cn` in the China regions and `amazonaws.com` elsewhere (Security Hub has
 * no endpoint in the other partitions).
 */
export function resolveEndpoint(region: string, env: EndpointEnv): URL {
  const configured =
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true"
      ? undefined
      : env.AWS_ENDPOINT_URL_SECURITYHUB || env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const domain = partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return new URL(`https://securityhub.${region}.${domain}`);
}
