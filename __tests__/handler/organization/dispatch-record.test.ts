import {
  DISPATCH_ENTRIES_PER_ITEM,
  dispatchChunks,
  entriesOfChunk,
  IN_FLIGHT_LIMIT_MS,
  planDispatch,
  unrecordedStale,
} from "../../../handler/organization/dispatch-record";

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 0, 1) + hours * HOUR);
const A = { id: "111111111111", name: "a" };
const B = { id: "222222222222", name: "b" };
const C = { id: "333333333333", name: "c" };

describe("planDispatch", () => {
  it("queues every account the first time, and remembers the ones without a record", () => {
    const plan = planDispatch({
      accounts: [A, B],
      records: [{ accountId: A.id, lastAttemptAt: at(-1) }],
      previous: [],
      now: at(0),
    });
    expect(plan.toQueue).toEqual([A, B]);
    expect(plan.inFlight).toEqual([]);
    expect(plan.entries).toEqual([
      { accountId: A.id, queuedAt: at(0) },
      { accountId: B.id, queuedAt: at(0), unrecordedSince: at(0) },
    ]);
  });

  it("leaves out an account whose last message has not led to an attempt yet, and queues it once answered", () => {
    const previous = [
      { accountId: A.id, queuedAt: at(0) },
      { accountId: B.id, queuedAt: at(0) },
    ];
    const records = [
      { accountId: A.id, lastAttemptAt: at(0.1) },
      { accountId: B.id, lastAttemptAt: at(-1) },
    ];
    const plan = planDispatch({ accounts: [A, B], records, previous, now: at(0.2) });
    expect(plan.toQueue).toEqual([A]);
    expect(plan.inFlight).toEqual([B.id]);
    // The account in flight keeps its queue time: it is not queued again before it is answered or lost.
    expect(plan.entries).toEqual([
      { accountId: A.id, queuedAt: at(0.2) },
      { accountId: B.id, queuedAt: at(0) },
    ]);
  });

  it("takes a message unanswered for longer than a message can be in flight for lost, and queues again", () => {
    const previous = [{ accountId: A.id, queuedAt: at(0), unrecordedSince: at(-5) }];
    const inFlight = planDispatch({
      accounts: [A],
      records: [],
      previous,
      now: new Date(at(0).getTime() + IN_FLIGHT_LIMIT_MS - 1),
    });
    expect(inFlight.inFlight).toEqual([A.id]);
    expect(inFlight.entries).toEqual([{ accountId: A.id, queuedAt: at(0), unrecordedSince: at(-5) }]);
    const lost = planDispatch({
      accounts: [A],
      records: [],
      previous,
      now: new Date(at(0).getTime() + IN_FLIGHT_LIMIT_MS),
    });
    expect(lost.toQueue).toEqual([A]);
    // Still never recorded: since the first time it was queued.
    expect(lost.entries[0]?.unrecordedSince).toEqual(at(-5));
  });

  it("tells an attempt from before the message apart even within the same second", () => {
    const queued = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 700));
    const chunk = dispatchChunks([{ accountId: A.id, queuedAt: queued }])[0];
    const previous = entriesOfChunk(chunk);
    const records = [{ accountId: A.id, lastAttemptAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 300)) }];
    expect(planDispatch({ accounts: [A], records, previous, now: at(0.1) }).inFlight).toEqual([A.id]);
  });

  it("forgets accounts that left the scope", () => {
    const plan = planDispatch({
      accounts: [C],
      records: [],
      previous: [{ accountId: A.id, queuedAt: at(0) }],
      now: at(1),
    });
    expect(plan.entries.map((entry) => entry.accountId)).toEqual([C.id]);
  });
});

describe("unrecordedStale", () => {
  it("names the accounts queued and never recorded for longer than allowed", () => {
    const entries = [
      { accountId: A.id, queuedAt: at(10), unrecordedSince: at(0) },
      { accountId: B.id, queuedAt: at(10), unrecordedSince: at(9) },
      { accountId: C.id, queuedAt: at(10) },
    ];
    expect(unrecordedStale(entries, at(10), 5 * HOUR)).toEqual([A.id]);
  });
});

describe("dispatch items", () => {
  it("round-trip in chunks, to the millisecond", () => {
    const entries = Array.from({ length: DISPATCH_ENTRIES_PER_ITEM + 1 }, (_, i) => ({
      accountId: String(100_000_000_000 + i),
      queuedAt: at(1),
      ...(i === 0 ? { unrecordedSince: at(0) } : {}),
    }));
    const chunks = dispatchChunks(entries);
    expect(chunks).toHaveLength(2);
    expect(chunks.flatMap(entriesOfChunk)).toEqual(entries);
  });

  it("drop entries that do not parse, so that their accounts are queued", () => {
    expect(entriesOfChunk({ "111111111111": { q: "soon" }, "222222222222": { q: 1 } })).toEqual([
      { accountId: "222222222222", queuedAt: new Date(1) },
    ]);
    expect(entriesOfChunk("garbage")).toEqual([]);
  });
});
