import {
  MAX_USAGE_LOOKUPS_PER_RUN,
  USAGE_WINDOW_DAYS,
  planUsageLines,
  staleUsageEntries,
  usageFromItem,
  usageToItem,
  usageWindow,
  type UsageCacheEntry,
} from "../../../handler/usage/usage-cache";
import { usageRegions } from "../../../handler/usage/usage-line-lookup";

const NOW = new Date("2026-06-04T12:00:00Z");
const HOUR = 3_600_000;
const key = (n: number) => `AKIA${String(n).padStart(16, "0")}`;
const candidate = (n: number, userName = `user-${n}`) => ({ accessKeyId: key(n), userName });
const entry = (n: number, ageMs: number, userName = `user-${n}`): UsageCacheEntry => ({
  accessKeyId: key(n),
  userName,
  line: `line ${n}`,
  fetchedAt: new Date(NOW.getTime() - ageMs),
});

describe("planUsageLines", () => {
  test("a line fetched within 24 h is shown as cached; an older one, or none, is looked up", () => {
    const plan = planUsageLines(
      [candidate(1), candidate(2), candidate(3)],
      [entry(1, 23 * HOUR), entry(2, 24 * HOUR)],
      NOW,
    );
    expect([...plan.cached]).toEqual([[key(1), "line 1"]]);
    expect(plan.toLookUp).toEqual([candidate(2), candidate(3)]);
    expect(plan.deferred).toBe(0);
  });

  test("a line from the future (a clock jump) is not trusted", () => {
    const plan = planUsageLines([candidate(1)], [entry(1, -HOUR)], NOW);
    expect(plan.cached.size).toBe(0);
    expect(plan.toLookUp).toEqual([candidate(1)]);
  });

  test("lookups are capped per run in the candidates' order; the rest are deferred, each key once", () => {
    const candidates = Array.from({ length: 500 }, (_, i) => candidate(i + 1));
    const plan = planUsageLines([...candidates, candidate(1)], [], NOW);
    expect(plan.toLookUp).toEqual(candidates.slice(0, MAX_USAGE_LOOKUPS_PER_RUN));
    expect(plan.deferred).toBe(500 - MAX_USAGE_LOOKUPS_PER_RUN);
    // Cache hits cost nothing and are never capped.
    const cachedAll = planUsageLines(
      candidates,
      candidates.map((_, i) => entry(i + 1, HOUR)),
      NOW,
    );
    expect(cachedAll.cached.size).toBe(500);
    expect(cachedAll.toLookUp).toEqual([]);
  });
});

describe("staleUsageEntries", () => {
  test("drops lines of keys no longer flagged, keeping those of users the scan did not check", () => {
    const cache = [entry(1, HOUR), entry(2, HOUR), entry(3, HOUR, "unchecked-user")];
    expect(staleUsageEntries(cache, new Set([key(1)]), ["unchecked-user"])).toEqual([key(2)]);
  });
});

describe("cache items", () => {
  test("round-trip under usage#<key>, with a TTL a week after the fetch", () => {
    const item = usageToItem(entry(1, HOUR));
    expect(item).toMatchObject({ itemKey: `usage#${key(1)}`, line: "line 1", userName: "user-1" });
    expect(item.expiresAt).toBe(Math.floor((NOW.getTime() - HOUR) / 1000) + 7 * 86_400);
    expect(usageFromItem({ ...item, accountId: "123456789012" })).toEqual(entry(1, HOUR));
  });

  test("items of other kinds, or that do not parse, are not cache entries", () => {
    expect(usageFromItem({ itemKey: `key#${key(1)}`, userName: "u", line: "x", fetchedAt: NOW.toISOString() })).toBe(
      undefined,
    );
    expect(usageFromItem({ itemKey: `usage#${key(1)}`, userName: "u", line: "x", fetchedAt: "never" })).toBe(undefined);
  });
});

describe("window and regions", () => {
  test("a fixed window of 30 days back from the run", () => {
    expect(USAGE_WINDOW_DAYS).toBe(30);
    expect(usageWindow(NOW)).toEqual({ from: new Date("2026-05-05T12:00:00Z"), to: NOW });
  });

  test("the function's region plus us-east-1 for global services, once each", () => {
    expect(usageRegions("eu-west-1")).toEqual(["eu-west-1", "us-east-1"]);
    expect(usageRegions("us-east-1")).toEqual(["us-east-1"]);
    expect(usageRegions(undefined)).toEqual(["us-east-1"]);
  });
});
