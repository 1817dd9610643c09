import { createLogger, type LogEntry } from "../../../handler/runtime/logger";

function captured() {
  const entries: LogEntry[] = [];
  return { entries, write: (entry: LogEntry) => entries.push(entry) };
}

describe("createLogger", () => {
  it("writes level, message and fields after the bound context", () => {
    const { entries, write } = captured();
    const logger = createLogger({ context: { requestId: "r-1" }, write });
    logger.info("key-age scan finished", { flaggedKeys: 2 });
    logger.warn("careful");
    logger.error("key-age scan failed", { errorName: "ScanError", error: "boom" });
    expect(entries).toEqual([
      { requestId: "r-1", level: "info", message: "key-age scan finished", flaggedKeys: 2 },
      { requestId: "r-1", level: "warn", message: "careful" },
      { requestId: "r-1", level: "error", message: "key-age scan failed", errorName: "ScanError", error: "boom" },
    ]);
  });

  it("binds more context in a child, leaving the parent as it was", () => {
    const { entries, write } = captured();
    const parent = createLogger({ context: { requestId: "r-1" }, write });
    parent.child({ environment: "prod" }).info("child");
    parent.info("parent");
    expect(entries).toEqual([
      { requestId: "r-1", environment: "prod", level: "info", message: "child" },
      { requestId: "r-1", level: "info", message: "parent" },
    ]);
  });

  it("prints one JSON line per entry on stdout by default", () => {
    const spy = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      createLogger({ context: { requestId: "r-2" } }).info("hello", { n: 1 });
      expect(spy).toHaveBeenCalledTimes(1);
      const [line] = spy.mock.calls[0] ?? [];
      expect(String(line)).not.toContain("\n");
      expect(JSON.parse(String(line))).toEqual({ requestId: "r-2", level: "info", message: "hello", n: 1 });
    } finally {
      spy.mockRestore();
    }
  });
});
