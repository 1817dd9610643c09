import { ConfigError, loadConfig } from "../../../../handler/runtime/config/config";
import { configProblems } from "./config-problems";

const DAY = 86_400_000;
const BASE = { DRY_RUN: "true", ALERT_STATE_TABLE: "key-age-alert-state" };

const problems = (env: Record<string, string>) => configProblems({ ...BASE, ...env });

describe("the enforcement settings", () => {
  test("are off by default, with no enforcement config at all", () => {
    expect(loadConfig(BASE).enforcement).toBeUndefined();
  });

  test("armed, with the documented defaults for the notice and the brake", () => {
    expect(loadConfig({ ...BASE, ENFORCEMENT: "armed", DEACTIVATE_AGE: "120d" }).enforcement).toEqual({
      mode: "armed",
      deactivateAge: { ms: 120 * DAY, label: "120d" },
      notice: { ms: 7 * DAY, label: "7d" },
      maxPerDay: 5,
      exposedKeys: "alert",
    });
  });

  test("MAX_DEACTIVATIONS_PER_DAY, or its old name MAX_DEACTIVATIONS_PER_RUN; never both", () => {
    const armed = { ...BASE, ENFORCEMENT: "armed", DEACTIVATE_AGE: "120d" };
    expect(loadConfig({ ...armed, MAX_DEACTIVATIONS_PER_DAY: "7" }).enforcement?.maxPerDay).toBe(7);
    expect(loadConfig({ ...armed, MAX_DEACTIVATIONS_PER_RUN: "3" }).enforcement?.maxPerDay).toBe(3);
    expect(problems({ ...armed, MAX_DEACTIVATIONS_PER_DAY: "7", MAX_DEACTIVATIONS_PER_RUN: "3" })).toEqual([
      "MAX_DEACTIVATIONS_PER_DAY and MAX_DEACTIVATIONS_PER_RUN are both set: set only MAX_DEACTIVATIONS_PER_DAY (the other is its old name)",
    ]);
  });

  test("ENFORCEMENT is read exactly as written: a value with spaces is refused, not trimmed", () => {
    expect(problems({ ENFORCEMENT: "armed ", DEACTIVATE_AGE: "120d" })).toEqual([
      'ENFORCEMENT="armed ": expected "off", "dry-run", "armed", without surrounding spaces',
    ]);
    expect(problems({ ENFORCEMENT: "Armed", DEACTIVATE_AGE: "120d" })).toEqual([
      'ENFORCEMENT="Armed": expected "off", "dry-run", "armed"',
    ]);
  });

  test("an armed notice shorter than 24h is refused unless SANDBOX is true; a zero notice always", () => {
    const armed = { ENFORCEMENT: "armed", DEACTIVATE_AGE: "120d" };
    expect(problems({ ...armed, DEACTIVATION_NOTICE: "10m" })).toEqual([
      'DEACTIVATION_NOTICE="10m": shorter than 24h while ENFORCEMENT is "armed": people need a day to react (allowed only where SANDBOX is true)',
    ]);
    expect(problems({ ...armed, DEACTIVATION_NOTICE: "10m", SANDBOX: "true" })).toEqual([]);
    expect(problems({ ...armed, DEACTIVATION_NOTICE: "24h" })).toEqual([]);
    expect(problems({ ENFORCEMENT: "dry-run", DEACTIVATE_AGE: "120d", DEACTIVATION_NOTICE: "10m" })).toEqual([]);
    for (const mode of ["armed", "dry-run"]) {
      expect(
        problems({ ENFORCEMENT: mode, DEACTIVATE_AGE: "120d", DEACTIVATION_NOTICE: "0m", SANDBOX: "true" }),
      ).toEqual(['DEACTIVATION_NOTICE="0m": must be longer than zero: a notice has to come before the deactivation']);
    }
    expect(problems({ SANDBOX: "yes" })).toEqual(['SANDBOX="yes": expected "true" or "false"']);
  });

  test("EXPOSED_KEYS is alert or deactivate, exactly", () => {
    const armed = { ...BASE, ENFORCEMENT: "armed", DEACTIVATE_AGE: "120d" };
    expect(loadConfig({ ...armed, EXPOSED_KEYS: "deactivate" }).enforcement?.exposedKeys).toBe("deactivate");
    expect(problems({ EXPOSED_KEYS: "deactivate " })).toEqual([
      'EXPOSED_KEYS="deactivate ": expected "alert", "deactivate", without surrounding spaces',
    ]);
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
