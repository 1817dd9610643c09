import { ConfigError, loadConfig } from "../../../handler/runtime/config";

const DAY = 86_400_000;
const BASE = { DRY_RUN: "true", ALERT_STATE_TABLE: "key-age-alert-state" };

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("the enforcement settings", () => {
  test("are off by default, with no enforcement config at all", () => {
    expect(loadConfig(BASE).enforcement).toBeUndefined();
  });

  test("armed, with the documented defaults for the notice and the brake", () => {
    expect(loadConfig({ ...BASE, ENFORCEMENT: "armed", DEACTIVATE_AGE: "120d" }).enforcement).toEqual({
      mode: "armed",
      deactivateAge: { ms: 120 * DAY, label: "120d" },
      notice: { ms: 7 * DAY, label: "7d" },
      maxPerRun: 5,
    });
  });

  test.each([
    [{ ENFORCEMENT: "on" }, 'ENFORCEMENT="on": expected "off", "dry-run", "armed"'],
    [{ ENFORCEMENT: "armed" }, 'DEACTIVATE_AGE is unset: it is required when ENFORCEMENT is "armed"'],
    [{ ENFORCEMENT: "dry-run", DEACTIVATE_AGE: "60d" }, 'DEACTIVATE_AGE="60d" is below CRITICAL_AGE="90d"'],
    [{ DEACTIVATE_AGE: "4 months" }, 'DEACTIVATE_AGE="4 months": expected a whole number'],
    [{ ENFORCEMENT: "armed", DEACTIVATE_AGE: "120d", DEACTIVATION_NOTICE: "1 week" }, 'DEACTIVATION_NOTICE="1 week"'],
    [{ ENFORCEMENT: "armed", DEACTIVATE_AGE: "120d", MAX_DEACTIVATIONS_PER_RUN: "0" }, 'MAX_DEACTIVATIONS_PER_RUN="0"'],
  ])("%j is refused with a message naming the setting and the value", (env, expected) => {
    expect(problems(env).join("\n")).toContain(expected);
  });

  test("needs the alert state, where the notice is recorded", () => {
    const found = (() => {
      try {
        loadConfig({ DRY_RUN: "true", ENFORCEMENT: "dry-run", DEACTIVATE_AGE: "120d" });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(found).toEqual([
      'ENFORCEMENT="dry-run" needs ALERT_STATE_TABLE: the advance notice is recorded in the alert state',
    ]);
  });
});
