import { loadConfig } from "../../../../handler/runtime/config/config";
import { configProblems } from "./config-problems";
import { parseKeyUsageSetting } from "../../../../handler/usage/key-usage-setting";

// KEY_USAGE: off by default, "on" adds the usage line; the loader and the stack read it through the
// same parseKeyUsageSetting. The lines are cached in the alert state, so "on" needs the table.
const base = { DRY_RUN: "true", ALERT_STATE_TABLE: "key-age-state" };

describe("loadConfig: KEY_USAGE", () => {
  it("is off when unset, empty or off", () => {
    expect(loadConfig(base).keyUsage).toBeUndefined();
    expect(loadConfig({ ...base, KEY_USAGE: "" }).keyUsage).toBeUndefined();
    expect(loadConfig({ ...base, KEY_USAGE: "OFF" }).keyUsage).toBeUndefined();
  });

  it("is on for on, in any case and with blanks around it", () => {
    expect(loadConfig({ ...base, KEY_USAGE: "on" }).keyUsage).toBe(true);
    expect(loadConfig({ ...base, KEY_USAGE: " On " }).keyUsage).toBe(true);
  });

  it.each(["true", "yes", "1", "30d"])("refuses %p, naming the variable and quoting the value", (value) => {
    const problems = configProblems({ ...base, KEY_USAGE: value, WARNING_AGE: "1x" });
    expect(problems).toContain(parseKeyUsageSetting(value).problem);
    expect(problems).toContain(`KEY_USAGE=${JSON.stringify(value)}: expected "on" or "off"`);
    // Beside the other problems, not instead of them.
    expect(problems.some((problem) => problem.startsWith("WARNING_AGE="))).toBe(true);
  });

  it("refuses on without the alert state, which caches the lines", () => {
    const { ALERT_STATE_TABLE: _table, ...stateless } = base;
    expect(configProblems({ ...stateless, KEY_USAGE: "on" })).toEqual([
      'KEY_USAGE="on": needs ALERT_STATE_TABLE: the usage summaries are cached in the alert state',
    ]);
    expect(loadConfig({ ...stateless, KEY_USAGE: "off" }).keyUsage).toBeUndefined();
  });
});
