import { ConfigError, loadConfig } from "../../../../handler/runtime/config/config";
import { parseSecurityHubSetting } from "../../../../handler/security-hub/security-hub-setting";

// SECURITY_HUB: off by default, "on" turns the export on; the loader and the stack read it through
// the same parseSecurityHubSetting.
const base = { DRY_RUN: "true" };

describe("loadConfig: SECURITY_HUB", () => {
  it("is off when unset, empty or off", () => {
    expect(loadConfig(base).securityHub).toBeUndefined();
    expect(loadConfig({ ...base, SECURITY_HUB: "" }).securityHub).toBeUndefined();
    expect(loadConfig({ ...base, SECURITY_HUB: "OFF" }).securityHub).toBeUndefined();
  });

  it("is on for on, in any case and with blanks around it", () => {
    expect(loadConfig({ ...base, SECURITY_HUB: "on" }).securityHub).toBe(true);
    expect(loadConfig({ ...base, SECURITY_HUB: " On " }).securityHub).toBe(true);
  });

  it.each(["true", "yes", "1", "enabled"])("refuses %p, naming the variable and quoting the value", (value) => {
    let error: unknown;
    try {
      loadConfig({ ...base, SECURITY_HUB: value, WARNING_AGE: "1x" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    // Worded exactly as the one validator words it, beside the other problems.
    expect(problems).toContain(parseSecurityHubSetting(value).problem);
    expect(problems).toContain(`SECURITY_HUB=${JSON.stringify(value)}: expected "on" or "off"`);
    expect(problems.some((problem) => problem.startsWith("WARNING_AGE="))).toBe(true);
    expect((error as ConfigError).details.find((d) => d.variable === "SECURITY_HUB")?.value).toBe(value);
  });
});
