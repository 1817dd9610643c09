/**
 * The `SECURITY_HUB` setting (config field `securityHub`), for the config loader and the stack: pure,
 * so synth and the handler read it the same way.
 */
import { quoteSetting } from "../runtime/mask";

/** The handler's environment variable. */
export const SECURITY_HUB_VARIABLE = "SECURITY_HUB";

/** The environment config's field (a boolean), deployed as {@link SECURITY_HUB_VARIABLE}. */
export const SECURITY_HUB_CONFIG_FIELD = "securityHub";

/** The variable's values, default first. */
export const SECURITY_HUB_VALUES = ["off", "on"] as const;

/** What a bad value is told, after the variable and its quoted value. */
export const SECURITY_HUB_EXPECTED = 'expected "on" or "off"';

/** The setting as read: enabled, or the problem with the value (a sentence naming the variable and quoting it). */
export type SecurityHubSetting =
  | { readonly enabled: boolean; readonly problem?: undefined }
  | { readonly enabled: false; readonly problem: string };

/** Reads `SECURITY_HUB`: `on` or `off` (any case, surrounding blanks ignored); unset or empty is `off`. */
export function parseSecurityHubSetting(raw: string | undefined): SecurityHubSetting {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "off") return { enabled: false };
  if (value === "on") return { enabled: true };
  return {
    enabled: false,
    problem: `${SECURITY_HUB_VARIABLE}=${quoteSetting(raw)}: ${SECURITY_HUB_EXPECTED}`,
  };
}

/** The function's environment for the config field: the variable only when on, so the default stays implicit. */
export function securityHubEnvironment(enabled: boolean | undefined): Readonly<Record<string, string>> {
  return enabled ? { [SECURITY_HUB_VARIABLE]: "on" } : {};
}
