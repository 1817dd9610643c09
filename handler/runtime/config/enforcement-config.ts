import { CONFIG_DEFAULTS } from "./config-defaults";
import type { ConfigProblem } from "./config-problem";
import { parseDuration } from "../duration";
import {
  ENFORCEMENT_MODES,
  EXPOSED_KEYS_ACTIONS,
  parseEnforcementMode,
  parseExposedKeysAction,
  type EnforcementMode,
  type ExposedKeysAction,
} from "../../enforcement/enforcement-mode";

/** The enforcement settings; present when `ENFORCEMENT` is not `off` or `DEACTIVATE_AGE` is set. */
export interface EnforcementConfig {
  /** `off`: only forecasts dates (CLI); `dry-run`: everything but the IAM call; `armed`: deactivates. */
  readonly mode: EnforcementMode;
  /** Key age at which an active key is deactivated (at least the critical age). */
  readonly deactivateAge: { readonly ms: number; readonly label: string };
  /** Minimum time between the first notice naming the date and the deactivation. @default 7d */
  readonly notice: { readonly ms: number; readonly label: string };
  /**
   * At most this many keys are deactivated in any 24 hours (`MAX_DEACTIVATIONS_PER_DAY`, formerly
   * `MAX_DEACTIVATIONS_PER_RUN`): the rolling brake. @default 5
   */
  readonly maxPerDay: number;
  /** `deactivate`: an exposed key is switched off without a notice period (`EXPOSED_KEYS`). @default "alert" */
  readonly exposedKeys: ExposedKeysAction;
}

/** Bounds of `MAX_DEACTIVATIONS_PER_DAY`. */
export const MIN_DEACTIVATIONS_PER_DAY = 1;
/** Bounds of `MAX_DEACTIVATIONS_PER_DAY`. */
export const MAX_DEACTIVATIONS_PER_DAY = 1000;
/** The shortest armed notice outside a sandbox: people need at least a working day to react. */
export const MIN_ARMED_NOTICE_MS = 86_400_000;
/** The old name of `MAX_DEACTIVATIONS_PER_DAY`, still read. */
export const MAX_DEACTIVATIONS_ALIAS = "MAX_DEACTIVATIONS_PER_RUN";

type Read = (name: string) => string | undefined;
type Duration = { ms: number; label: string };

/** A value of an exact-valued setting (`ENFORCEMENT`, `EXPOSED_KEYS`) as written: unset and empty mean the default. */
function exactValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

function expectedOneOf(values: readonly string[], raw: string): string {
  const listed = `expected ${values.map((value) => JSON.stringify(value)).join(", ")}`;
  return values.includes(raw.trim()) ? `${listed}, without surrounding spaces` : listed;
}

/**
 * The enforcement settings of the environment, or undefined when enforcement is off and no
 * `DEACTIVATE_AGE` is set; problems are added to `problems`. `ENFORCEMENT` and `EXPOSED_KEYS` are
 * read exactly, through the same parsers synth uses.
 */
export function enforcementConfig(
  read: Read,
  env: Readonly<Record<string, string | undefined>>,
  critical: Duration,
  alertStateTable: string | undefined,
  duration: (name: keyof typeof CONFIG_DEFAULTS) => Duration,
  problems: (ConfigProblem | string)[],
): EnforcementConfig | undefined {
  const exposedRaw = exactValue(env, "EXPOSED_KEYS") ?? CONFIG_DEFAULTS.EXPOSED_KEYS;
  const exposedKeys = parseExposedKeysAction(exposedRaw);
  if (exposedKeys === undefined) {
    problems.push({
      variable: "EXPOSED_KEYS",
      value: exposedRaw,
      reason: () => expectedOneOf(EXPOSED_KEYS_ACTIONS, exposedRaw),
    });
  }
  const sandbox = sandboxSetting(read, env, problems);
  const modeRaw = exactValue(env, "ENFORCEMENT") ?? CONFIG_DEFAULTS.ENFORCEMENT;
  const mode = parseEnforcementMode(modeRaw);
  if (mode === undefined) {
    problems.push({ variable: "ENFORCEMENT", value: modeRaw, reason: () => expectedOneOf(ENFORCEMENT_MODES, modeRaw) });
    return undefined;
  }
  const notice = duration("DEACTIVATION_NOTICE");
  if (notice.ms === 0)
    problems.push(noticeProblem(env, "must be longer than zero: a notice has to come before the deactivation"));
  else if (mode === "armed" && notice.ms < MIN_ARMED_NOTICE_MS && !sandbox) {
    problems.push(
      noticeProblem(
        env,
        (name) =>
          `shorter than 24h while ${name("ENFORCEMENT") ?? "ENFORCEMENT"} is "armed": people need a day to react ` +
          `(allowed only where ${name("SANDBOX") ?? "SANDBOX"} is true)`,
      ),
    );
  }
  const maxPerDay = maxPerDaySetting(read, env, problems);
  const ageRaw = read("DEACTIVATE_AGE");
  if (ageRaw === undefined) {
    if (mode !== "off") {
      problems.push({
        variable: "DEACTIVATE_AGE",
        reason: (name) =>
          `${name("DEACTIVATE_AGE")} is unset: it is required when ${name("ENFORCEMENT")} is ${JSON.stringify(mode)}`,
      });
    }
    return undefined;
  }
  let ageMs = Number.NaN;
  try {
    ageMs = parseDuration(ageRaw);
  } catch (error) {
    const message = (error as Error).message;
    problems.push({ variable: "DEACTIVATE_AGE", value: env.DEACTIVATE_AGE ?? "", reason: () => message });
  }
  if (ageMs < critical.ms) {
    problems.push({
      variable: "DEACTIVATE_AGE",
      reason: (name) =>
        `${name("DEACTIVATE_AGE")}=${JSON.stringify(ageRaw)} is below ${name("CRITICAL_AGE")}=${JSON.stringify(critical.label)}: ` +
        "a key must be critical (and announced) before it can be deactivated",
    });
  }
  // The notice is only proven by a record of the message that named the date.
  if (mode !== "off" && alertStateTable === undefined) {
    problems.push({
      variable: "ENFORCEMENT",
      reason: (name) =>
        `${name("ENFORCEMENT")}=${JSON.stringify(mode)} needs ${name("ALERT_STATE_TABLE")}: the advance notice is recorded in the alert state`,
    });
  }
  return {
    mode,
    deactivateAge: { ms: ageMs, label: ageRaw },
    notice,
    maxPerDay,
    exposedKeys: exposedKeys ?? "alert",
  };
}

function noticeProblem(
  env: Readonly<Record<string, string | undefined>>,
  reason: string | ((name: (variable: string) => string | undefined) => string),
): ConfigProblem {
  return {
    variable: "DEACTIVATION_NOTICE",
    value: env.DEACTIVATION_NOTICE ?? CONFIG_DEFAULTS.DEACTIVATION_NOTICE,
    reason: typeof reason === "string" ? () => reason : reason,
  };
}

/** `SANDBOX`: true in a throwaway environment (the demo), where an armed notice may be minutes. */
function sandboxSetting(
  read: Read,
  env: Readonly<Record<string, string | undefined>>,
  problems: (ConfigProblem | string)[],
) {
  const raw = read("SANDBOX") ?? CONFIG_DEFAULTS.SANDBOX;
  if (raw !== "true" && raw !== "false") {
    problems.push({ variable: "SANDBOX", value: env.SANDBOX ?? "", reason: () => 'expected "true" or "false"' });
  }
  return raw === "true";
}

/** `MAX_DEACTIVATIONS_PER_DAY`, or its old name `MAX_DEACTIVATIONS_PER_RUN`; never both. */
function maxPerDaySetting(
  read: Read,
  env: Readonly<Record<string, string | undefined>>,
  problems: (ConfigProblem | string)[],
) {
  const current = read("MAX_DEACTIVATIONS_PER_DAY");
  const alias = read(MAX_DEACTIVATIONS_ALIAS);
  if (current !== undefined && alias !== undefined) {
    problems.push({
      variable: "MAX_DEACTIVATIONS_PER_DAY",
      reason: (name) =>
        `${name("MAX_DEACTIVATIONS_PER_DAY")} and ${name(MAX_DEACTIVATIONS_ALIAS)} are both set: ` +
        `set only ${name("MAX_DEACTIVATIONS_PER_DAY")} (the other is its old name)`,
    });
  }
  const variable = current === undefined && alias !== undefined ? MAX_DEACTIVATIONS_ALIAS : "MAX_DEACTIVATIONS_PER_DAY";
  const raw = current ?? alias ?? CONFIG_DEFAULTS.MAX_DEACTIVATIONS_PER_DAY;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= MIN_DEACTIVATIONS_PER_DAY && value <= MAX_DEACTIVATIONS_PER_DAY)) {
    problems.push({
      variable,
      value: env[variable] ?? "",
      reason: () =>
        `expected a whole number from ${MIN_DEACTIVATIONS_PER_DAY} to ${MAX_DEACTIVATIONS_PER_DAY} (keys deactivated in any 24 hours)`,
    });
  }
  return value;
}
