/**
 * Retry settings of the AWS clients, shared by the function, the CLI and the bench. Endpoint, region
 * and credentials are left to the SDK's own resolution (AWS_REGION, AWS_ENDPOINT_URL, …).
 */

/** IAM: adaptive retry rate-limits the client itself when IAM throttles a large account's scan. */
export const IAM_CLIENT_CONFIG = { retryMode: "adaptive", maxAttempts: 10 } as const;

/** SSM, STS and DynamoDB: a few calls per run. */
export const SUPPORT_CLIENT_CONFIG = { retryMode: "adaptive", maxAttempts: 5 } as const;
