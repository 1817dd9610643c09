/**
 * A hand-written Security Hub client for the export's two operations, BatchImportFindings
 * (POST /findings/import) and GetFindings (POST /findings), REST-JSON signed with SigV4 as `securityhub`.
 *
 * Why not `@aws-sdk/client-securityhub`: its schema is the whole ASFF model, about 176 KB of the
 * minified bundle, and esbuild cannot leave it out of a bundle that sends one command. Measured on
 * 2026-12-05 (`zip -X` of the esbuild output of modules/key-age-function/bundle-handler.ts), the Lambda
 * zip went from 265,097 bytes with the SDK client, over the 250 KB budget, to 214,411 with this file
 * (the minified JS from 927,736 to 751,256 bytes).
 *
 * Everything else is the SDK's own code, already in the bundle through the other clients: SignatureV4,
 * its SHA-256, the default credential chain; requests go through Node's global fetch. Endpoint, region,
 * errors and retries behave as the SDK client configured with {@link SECURITY_HUB_BACKOFF} did.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import type { BackoffRetryOptions } from "../runtime/backoff-retry-strategy";
import { retryWithBackoff } from "../runtime/retry-with-backoff";
import type {
  BatchImportFindingsRequest,
  BatchImportFindingsResponse,
  GetFindingsRequest,
  GetFindingsResponse,
  SecurityHubApi,
  SecurityHubCallOptions,
} from "./security-hub-api";
import { type EndpointEnv, resolveEndpoint, resolveRegion } from "./security-hub-endpoint";
import { classifySecurityHubError, parseErrorResponse } from "./security-hub-error";

/** The SigV4 signing name of Security Hub. */
export const SECURITY_HUB_SIGNING_NAME = "securityhub";

/**
 * Security Hub's backoff: a throttled request (429, `LimitExceededException`, `TooManyRequestsException`)
 * waits a random time up to 0.5 s, 1 s, 2 s, … capped at 5 s, for 8 attempts (about 25 s at worst; the
 * run's stop signal bounds it anyway). The quota is shared with every other writer of the account, so
 * throttling is expected; transient errors get 4 attempts.
 */
export const SECURITY_HUB_BACKOFF: BackoffRetryOptions = {
  maxAttempts: 8,
  maxTransientAttempts: 4,
  throttlingBaseMs: 500,
  transientBaseMs: 200,
  maxDelayMs: 5_000,
};

/** Credentials for the client (the member role's in organization mode). */
export interface SecurityHubCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Options of {@link createSecurityHubClient}. */
export interface SecurityHubClientOptions {
  /**
   * Fixed credentials (the member role's in organization mode) or a provider of them.
   * @default the SDK's default chain (environment, Lambda's role, profiles, …), cached and refreshed
   */
  readonly credentials?: SecurityHubCredentials | (() => Promise<SecurityHubCredentials>);
  /** The region. @default AWS_REGION, else AWS_DEFAULT_REGION */
  readonly region?: string;
  /** The endpoint's URL. @default AWS_ENDPOINT_URL_SECURITYHUB, else AWS_ENDPOINT_URL, else the region's */
  readonly endpoint?: string;
  /** Where the region and endpoint variables are read. @default process.env */
  readonly env?: EndpointEnv;
  /** Attempts and backoff. @default SECURITY_HUB_BACKOFF */
  readonly backoff?: BackoffRetryOptions;
  /** Sends a request; tests pass a fake. @default the global fetch */
  readonly fetch?: typeof fetch;
  /** Waits between attempts; tests pass a fake. @default a timer that ends early when the call's signal aborts */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * A Security Hub client with {@link SECURITY_HUB_BACKOFF} and no client-side rate limiter or retry
 * quota (see BackoffRetryStrategy). Building it reads nothing remote and never throws: a missing
 * region fails the first call, inside the export's error handling.
 */
export function createSecurityHubClient(options: SecurityHubClientOptions = {}): SecurityHubApi {
  const env = options.env ?? process.env;
  const region = resolveRegion(env, options.region);
  const credentials = options.credentials ?? defaultProvider();
  const send = options.fetch ?? globalThis.fetch;
  let signer: SignatureV4 | undefined;

  const signingRegion = (): string => {
    if (!region) throw new Error("Region is missing: set AWS_REGION (or pass the region)");
    return region;
  };

  async function call<T>(path: string, input: unknown, callOptions: SecurityHubCallOptions = {}): Promise<T> {
    const clientRegion = signingRegion();
    const endpoint = options.endpoint ? new URL(options.endpoint) : resolveEndpoint(clientRegion, env);
    const url = new URL(`${endpoint.pathname.replace(/\/+$/, "")}${path}`, endpoint);
    signer ??= new SignatureV4({
      service: SECURITY_HUB_SIGNING_NAME,
      region: clientRegion,
      credentials,
      sha256: Sha256,
    });
    const body = JSON.stringify(input);
    const { signal } = callOptions;
    return retryWithBackoff(
      async () => {
        // Signed again for each attempt, as the SDK does: a retry carries a fresh X-Amz-Date.
        const signed = await (signer as SignatureV4).sign({
          method: "POST",
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          query: {},
          headers: { host: url.host, "content-type": "application/json" },
          body,
        });
        const response = await send(url, {
          method: "POST",
          headers: signed.headers,
          body,
          ...(signal ? { signal } : {}),
        });
        const text = await response.text();
        if (!response.ok) throw parseErrorResponse(response.status, response.headers, text);
        return (text ? JSON.parse(text) : {}) as T;
      },
      {
        backoff: options.backoff ?? SECURITY_HUB_BACKOFF,
        classify: classifySecurityHubError,
        ...(signal ? { signal } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      },
    );
  }

  return {
    region: signingRegion,
    batchImportFindings: (request: BatchImportFindingsRequest, callOptions?: SecurityHubCallOptions) =>
      call<BatchImportFindingsResponse>("/findings/import", request, callOptions),
    getFindings: (request: GetFindingsRequest, callOptions?: SecurityHubCallOptions) =>
      call<GetFindingsResponse>("/findings", request, callOptions),
  };
}
