/**
 * The `KEY_USAGE` setting (config field `keyUsage`), for the config loader and the stack: a switch read
 * like every other (runtime/config/on-off-setting.ts).
 */
import { type OnOffSetting, onOffEnvironment, parseOnOffSetting } from "../runtime/config/on-off-setting";

/** The handler's environment variable. */
export const KEY_USAGE_VARIABLE = "KEY_USAGE";

/** The environment config's field (a boolean), deployed as {@link KEY_USAGE_VARIABLE}. */
export const KEY_USAGE_CONFIG_FIELD = "keyUsage";

/** Reads `KEY_USAGE`: `on` or `off` (any case, surrounding blanks ignored); unset or empty is `off`. */
export function parseKeyUsageSetting(raw: string | undefined): OnOffSetting {
  return parseOnOffSetting(KEY_USAGE_VARIABLE, raw);
}

/** The function's environment for the config field: the variable only when on. */
export function keyUsageEnvironment(enabled: boolean | undefined): Readonly<Record<string, string>> {
  return onOffEnvironment(KEY_USAGE_VARIABLE, enabled);
}
