import { createRequestRateLimiter } from "../../../handler/usage/request-rate-limiter";

/** A clock that only moves when every task is waiting on it, jumping to the next timer. */
function virtualClock() {
  let time = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => time,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: time + Math.max(0, ms), resolve });
      }),
    /** Runs until `work` settles, advancing time whenever nothing else can happen. */
    async drive<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const settled = work.finally(() => {
        done = true;
      });
      for (;;) {
        await flush();
        if (done) return settled;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) throw new Error("deadlock: nothing to wait for");
        time = Math.max(time, next.at);
        next.resolve();
      }
    },
  };
}

/** The most stamps that fall within any `windowMs` (a half-open window, as the shim counts). */
function mostInAnyWindow(stamps: readonly number[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    let j = i;
    while (j < sorted.length && sorted[j] - sorted[i] < windowMs) j += 1;
    most = Math.max(most, j - i);
  }
  return most;
}

describe("createRequestRateLimiter", () => {
  it("lets two requests through at once, then one window after an answer", async () => {
    const clock = virtualClock();
    const limiter = createRequestRateLimiter({ requests: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
    const starts: number[] = [];
    const sequential = async () => {
      for (let i = 0; i < 6; i += 1) await limiter.run(async () => starts.push(clock.now()));
    };
    await clock.drive(sequential());
    expect(starts).toEqual([0, 0, 1000, 1000, 2000, 2000]);
    expect(limiter.waitedMs).toBe(2000); // the third and the fifth waited a second each
  });

  it("never lets the server count more than two in a second, whatever the answers' delays", async () => {
    const clock = virtualClock();
    const limiter = createRequestRateLimiter({ requests: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
    const sent: number[] = [];
    const answered: number[] = [];
    const latencies = [900, 10, 10, 700, 50, 3000, 0, 0, 400, 20, 999, 1, 250, 250, 5];
    const runs = latencies.map((latency) =>
      limiter.run(async () => {
        sent.push(clock.now());
        await clock.sleep(latency);
        answered.push(clock.now());
      }),
    );
    await clock.drive(Promise.all(runs));
    expect(sent).toHaveLength(latencies.length);
    // The server counts a request somewhere between its sending and its answer: both extremes hold.
    expect(mostInAnyWindow(sent, 1000)).toBeLessThanOrEqual(2);
    expect(mostInAnyWindow(answered, 1000)).toBeLessThanOrEqual(2);
  });

  it("holds a slot while its request is in flight, and for a window after it fails", async () => {
    const clock = virtualClock();
    const limiter = createRequestRateLimiter({ requests: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
    const starts: Record<string, number> = {};
    const slow = limiter.run(async () => {
      starts.slow = clock.now();
      await clock.sleep(5000);
    });
    const failing = limiter
      .run(async () => {
        starts.failing = clock.now();
        throw new Error("ThrottlingException");
      })
      .catch((error: Error) => error.message);
    const third = limiter.run(async () => {
      starts.third = clock.now();
    });
    const fourth = limiter.run(async () => {
      starts.fourth = clock.now();
    });
    expect(await clock.drive(Promise.all([slow, failing, third, fourth]))).toEqual([
      undefined,
      "ThrottlingException",
      undefined,
      undefined,
    ]);
    // The failed attempt counted: the third waits a window after it; the slow one is still in flight,
    // so the fourth waits a window after the third.
    expect(starts).toEqual({ slow: 0, failing: 0, third: 1000, fourth: 2000 });
  });

  it("returns the request's result", async () => {
    const limiter = createRequestRateLimiter({ requests: 2, windowMs: 1000 });
    await expect(limiter.run(async () => 42)).resolves.toBe(42);
  });

  it("rejects a limit below one request", () => {
    expect(() => createRequestRateLimiter({ requests: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
