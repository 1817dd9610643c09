import { RateLimitDeadlineError, createMethodRateLimiter } from "../../../handler/slack/method-rate-limiter";

/** A clock that only moves when the limiter sleeps. */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    advance: (ms: number) => (now += ms),
    now: () => now,
  };
}

describe("createMethodRateLimiter", () => {
  it("lets a method's calls through up to its limit per sliding minute, then waits for a slot", async () => {
    const time = fakeTime();
    const limiter = createMethodRateLimiter({ perMinute: { "users.lookupByEmail": 3 }, ...time });
    const start = time.now();
    for (let i = 0; i < 3; i += 1) await limiter.acquire("users.lookupByEmail");
    expect(time.sleeps).toEqual([]);
    await limiter.acquire("users.lookupByEmail");
    // The first slot frees a minute after it was taken (plus a little slack for the wire).
    expect(time.now() - start).toBe(60_250);
    // Another method has its own pace.
    await limiter.acquire("chat.postMessage");
    expect(time.now() - start).toBe(60_250);
  });

  // Issue case 2: Retry-After was honoured per call, not per method.
  it("holds every call of a method after a 429, not only the refused one", async () => {
    const time = fakeTime();
    const limiter = createMethodRateLimiter({ perMinute: {}, ...time });
    limiter.holdUntil("users.lookupByEmail", time.now() + 30_000);
    const starts: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        await limiter.acquire("users.lookupByEmail");
        starts.push(time.now());
      }),
    );
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(1_030_000);
    await limiter.acquire("conversations.open");
  });

  it("refuses at once, without counting, a call whose turn comes after its deadline", async () => {
    const time = fakeTime();
    const limiter = createMethodRateLimiter({ perMinute: { "users.lookupByEmail": 1 }, ...time });
    await limiter.acquire("users.lookupByEmail");
    const error = await limiter.acquire("users.lookupByEmail", time.now() + 10_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitDeadlineError);
    expect(time.sleeps).toEqual([]);
    // The refused caller did not take the slot: the next one gets it when it frees.
    await limiter.acquire("users.lookupByEmail");
    expect(time.sleeps).toEqual([60_250]);
  });
});
