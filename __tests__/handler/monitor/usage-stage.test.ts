import type { StateWrite } from "../../../handler/alerts/account-state-store";
import type { EnforcementPlan } from "../../../handler/enforcement/enforcement-events";
import type { LogEntry, Logger } from "../../../handler/runtime/logger";
import { enforcementUsageCandidates, usageStage, type KeyUsageDeps } from "../../../handler/monitor/usage-stage";
import { MAX_USAGE_LOOKUPS_PER_RUN, type UsageCacheEntry } from "../../../handler/usage/usage-cache";
import type { UsageLineResult } from "../../../handler/usage/usage-line-lookup";

// The stage with plain fakes: a cache, a lookup that answers from a table, a recording logger.
const NOW = new Date("2026-06-04T12:00:00Z");
const key = (n: number) => `AKIA${String(n).padStart(16, "0")}`;
const candidate = (n: number) => ({ accessKeyId: key(n), userName: `user-${n}` });

function recordingLogger(lines: { level: string; message: string; fields?: LogEntry }[]): Logger {
  const log = (level: string) => (message: string, fields?: LogEntry) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  const logger: Logger = { info: log("info"), warn: log("warn"), error: log("error"), child: () => logger };
  return logger;
}

function fakeDeps(options: {
  cache?: UsageCacheEntry[];
  answers?: Record<string, UsageLineResult | Error>;
  stopAfter?: number;
  failWrite?: boolean;
}) {
  const looked: string[] = [];
  const written: StateWrite[] = [];
  const deps: KeyUsageDeps = {
    load: async () => options.cache ?? [],
    write: async (writes) => {
      if (options.failWrite) throw new Error("ProvisionedThroughputExceededException");
      written.push(...writes);
    },
    lookup: async (c) => {
      looked.push(c.accessKeyId);
      const answer = options.answers?.[c.accessKeyId] ?? { line: `line of ${c.accessKeyId}` };
      if (answer instanceof Error) throw answer;
      return answer;
    },
    stopStarting: () => options.stopAfter !== undefined && looked.length >= options.stopAfter,
  };
  return { deps, looked, written };
}

const run = (deps: KeyUsageDeps, candidates: ReturnType<typeof candidate>[], flagged = candidates) => {
  const lines: { level: string; message: string; fields?: LogEntry }[] = [];
  const result = usageStage(deps, {
    candidates,
    flaggedKeyIds: new Set(flagged.map((c) => c.accessKeyId)),
    uncheckedUsers: [],
    now: NOW,
    logger: recordingLogger(lines),
  });
  return { result, lines };
};

describe("usageStage", () => {
  test("fresh cached lines need no lookup; new lines are looked up and cached with their time", async () => {
    const cache = [{ ...candidate(1), line: "cached line", fetchedAt: new Date(NOW.getTime() - 3_600_000) }];
    const { deps, looked, written } = fakeDeps({ cache });
    const { result } = run(deps, [candidate(1), candidate(2)]);
    expect([...(await result)]).toEqual([
      [key(1), "cached line"],
      [key(2), `line of ${key(2)}`],
    ]);
    expect(looked).toEqual([key(2)]);
    expect(written).toEqual([
      {
        type: "put",
        item: expect.objectContaining({ itemKey: `usage#${key(2)}`, fetchedAt: NOW.toISOString() }),
      },
    ]);
  });

  test("a failed lookup is logged and omitted; it never fails the stage or the other keys", async () => {
    const { deps, written } = fakeDeps({
      answers: { [key(1)]: new Error("AccessDeniedException: no"), [key(2)]: { failed: "us-east-1: AccessDenied" } },
    });
    const { result, lines } = run(deps, [candidate(1), candidate(2), candidate(3)]);
    expect([...(await result).keys()]).toEqual([key(3)]);
    expect(lines.filter((line) => line.level === "warn").map((line) => line.fields?.accessKeyId)).toEqual([
      "AKIA…0001",
      "AKIA…0002",
    ]);
    expect(written.map((write) => write.type === "put" && write.item.itemKey)).toEqual([`usage#${key(3)}`]);
  });

  test("stops starting lookups on the time budget; a lookup cut short has no line and is not cached", async () => {
    const { deps, looked, written } = fakeDeps({ stopAfter: 1, answers: { [key(1)]: { stopped: true } } });
    const { result, lines } = run(deps, [candidate(1), candidate(2)]);
    expect((await result).size).toBe(0);
    expect(looked).toEqual([key(1)]);
    expect(written).toEqual([]);
    expect(lines.at(-1)?.fields).toMatchObject({ usage: { lookedUp: 0, deferred: 2 } });
  });

  test("at most the cap of lookups per run", async () => {
    const { deps, looked } = fakeDeps({});
    const many = Array.from({ length: 50 }, (_, i) => candidate(i + 1));
    const { result, lines } = run(deps, many);
    expect((await result).size).toBe(MAX_USAGE_LOOKUPS_PER_RUN);
    expect(looked).toHaveLength(MAX_USAGE_LOOKUPS_PER_RUN);
    expect(lines.at(-1)?.fields).toMatchObject({ usage: { deferred: 50 - MAX_USAGE_LOOKUPS_PER_RUN } });
  });

  test("drops cached lines of keys no longer flagged; a failed cache write is only logged", async () => {
    const cache = [{ ...candidate(9), line: "old", fetchedAt: NOW }];
    const { deps, written } = fakeDeps({ cache });
    await run(deps, [], []).result;
    expect(written).toEqual([{ type: "delete", itemKey: `usage#${key(9)}` }]);

    const failing = fakeDeps({ cache, failWrite: true });
    const { result, lines } = run(failing.deps, [candidate(1)]);
    expect((await result).get(key(1))).toBe(`line of ${key(1)}`);
    expect(lines.some((line) => line.message.startsWith("could not cache the usage lines"))).toBe(true);
  });
});

describe("enforcementUsageCandidates", () => {
  test("due keys and keys whose notice, reminder or dry-run deactivation the message names", () => {
    const finding = (n: number) => ({ userName: `user-${n}`, accessKeyId: key(n) }) as never;
    const plan = {
      due: [{ finding: finding(1), date: NOW, setting: "DEACTIVATE_AGE=120d" }],
      events: [
        { kind: "notice", finding: finding(2) },
        { kind: "day-before", finding: finding(3) },
        { kind: "reactivated", finding: finding(4) },
        { kind: "left-alone", finding: finding(5), reason: "x" },
      ],
    } as unknown as EnforcementPlan;
    expect(enforcementUsageCandidates(plan)).toEqual([candidate(1), candidate(2), candidate(3)]);
    expect(enforcementUsageCandidates(undefined)).toEqual([]);
  });
});
