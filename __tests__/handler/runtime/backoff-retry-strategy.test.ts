import { BackoffRetryStrategy } from "../../../handler/runtime/backoff-retry-strategy";

describe("BackoffRetryStrategy", () => {
  const strategy = new BackoffRetryStrategy({
    maxAttempts: 4,
    maxTransientAttempts: 3,
    throttlingBaseMs: 500,
    transientBaseMs: 100,
    maxDelayMs: 1_500,
    random: () => 0.5,
  });

  test("backs off exponentially with jitter after throttling, capped, up to the attempt limit", async () => {
    let token = await strategy.acquireInitialRetryToken();
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
      delays.push(token.getRetryDelay());
    }
    // 0.5 × min(1500, 500 × 2^n)
    expect(delays).toEqual([250, 500, 750]);
    expect(token.getRetryCount()).toBe(3);
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" })).rejects.toThrow();
  });

  test("has no retry quota: a long run of throttles keeps being retried", async () => {
    const many = new BackoffRetryStrategy({
      maxAttempts: 3,
      maxTransientAttempts: 3,
      throttlingBaseMs: 1,
      transientBaseMs: 1,
      maxDelayMs: 1,
    });
    for (let request = 0; request < 500; request += 1) {
      let token = await many.acquireInitialRetryToken();
      token = await many.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
      await expect(many.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" })).resolves.toBeDefined();
    }
  });

  test("retries transient errors from a shorter base, and never client or server errors", async () => {
    const token = await strategy.acquireInitialRetryToken();
    expect((await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" })).getRetryDelay()).toBe(50);
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "CLIENT_ERROR" })).rejects.toThrow();
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "SERVER_ERROR" })).rejects.toThrow();
  });

  test("gives transient errors fewer attempts than throttling, so an outage fails fast", async () => {
    const mixed = new BackoffRetryStrategy({
      maxAttempts: 10,
      maxTransientAttempts: 3,
      throttlingBaseMs: 1,
      transientBaseMs: 1,
      maxDelayMs: 1,
    });
    let token = await mixed.acquireInitialRetryToken();
    token = await mixed.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
    token = await mixed.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" });
    token = await mixed.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" });
    // A third transient error reaches maxTransientAttempts, far from maxAttempts; throttling goes on.
    await expect(mixed.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" })).rejects.toThrow();
    await expect(mixed.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" })).resolves.toBeDefined();
  });

  test("waits at least as long as a Retry-After hint asks, within the cap", async () => {
    const token = await strategy.acquireInitialRetryToken();
    const hinted = await strategy.refreshRetryTokenForRetry(token, {
      errorType: "THROTTLING",
      retryAfterHint: new Date(Date.now() + 60_000),
    });
    expect(hinted.getRetryDelay()).toBe(1_500);
  });
});
