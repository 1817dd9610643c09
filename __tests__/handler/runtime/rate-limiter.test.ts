import { abortableSleep, createRateLimiter } from "../../../handler/runtime/rate-limiter";

/** A clock that only moves when the limiter sleeps. */
function fakeClock() {
  let now = 1_000_000;
  const starts: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    starts,
    mark: () => starts.push(now),
  };
}

describe("createRateLimiter", () => {
  test("no one-second window holds more than the rate, and requests are spaced evenly", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 10, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 35; i += 1) {
      await limiter.acquire();
      clock.mark();
    }
    for (const start of clock.starts) {
      expect(clock.starts.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(10);
    }
    expect(clock.starts[34] - clock.starts[0]).toBe(3400);
  });

  test("concurrent callers queue behind each other", async () => {
    // The clock stands still: each caller's wait is measured from the same instant.
    const now = 5_000;
    const waits: number[] = [];
    const limiter = createRateLimiter({
      perSecond: 4,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await Promise.all(Array.from({ length: 4 }, () => limiter.acquire()));
    expect(waits.sort((a, b) => a - b)).toEqual([250, 500, 750]);
  });

  test("an aborted signal answers false at once", async () => {
    const limiter = createRateLimiter({ perSecond: 1 });
    const controller = new AbortController();
    controller.abort();
    expect(await limiter.acquire(controller.signal)).toBe(false);
  });

  test("a signal that fires during the wait ends it early with false", async () => {
    const limiter = createRateLimiter({ perSecond: 0.1 });
    expect(await limiter.acquire()).toBe(true);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    expect(await limiter.acquire(controller.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("rejects a rate that is not positive", () => {
    expect(() => createRateLimiter({ perSecond: 0 })).toThrow(/positive/);
  });

  test("abortableSleep waits the time without a signal", async () => {
    const started = Date.now();
    await abortableSleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
