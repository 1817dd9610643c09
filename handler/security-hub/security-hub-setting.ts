/**
 * The `SECURITY_HUB` setting (config field `securityHub`), for the config loader and the stack: a
 * switch read like every other (runtime/config/on-off-setting.ts).
 */
import { type OnOffSetting, onOffEnvironment, parseOnOffSetting } from "../runtime/config/on-off-setting";

/** The handler's environment variable. */
export const SECURITY_HUB_VARIABLE = "SECURITY_HUB";

/** The environment config's field (a boolean), deployed as {@link SECURITY_HUB_VARIABLE}. */
export const SECURITY_HUB_CONFIG_FIELD = "securityHub";

/** Reads `SECURITY_HUB`: `on` or `off` (any case, surrounding blanks ignored); unset or empty is `off`. */
export function parseSecurityHubSetting(raw: string | undefined): OnOffSetting {
  return parseOnOffSetting(SECURITY_HUB_VARIABLE, raw);
}

/** The function's environment for the config field: the variable only when on. */
export function securityHubEnvironment(enabled: boolean | undefined): Readonly<Record<string, string>> {
  return onOffEnvironment(SECURITY_HUB_VARIABLE, enabled);
}
