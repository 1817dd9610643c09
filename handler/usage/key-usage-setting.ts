/**
 * The `KEY_USAGE` setting (config field `keyUsage`), for the config loader and the stack: pure, so
 * synth and the handler read it the same way (the same shape as `SECURITY_HUB`).
 */
import { quoteSetting } from "../runtime/mask";

/** The handler's environment variable. */
export const KEY_USAGE_VARIABLE = "KEY_USAGE";

/** The environment config's field (a boolean), deployed as {@link KEY_USAGE_VARIABLE}. */
export const KEY_USAGE_CONFIG_FIELD = "keyUsage";

/** What a bad value is told, after the variable and its quoted value. */
export const KEY_USAGE_EXPECTED = 'expected "on" or "off"';

/** The setting as read: enabled, or the problem with the value (a sentence naming the variable and quoting it). */
export type KeyUsageSetting =
  | { readonly enabled: boolean; readonly problem?: undefined }
  | { readonly enabled: false; readonly problem: string };

/** Reads `KEY_USAGE`: `on` or `off` (any case, surrounding blanks ignored); unset or empty is `off`. */
export function parseKeyUsageSetting(raw: string | undefined): KeyUsageSetting {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "off") return { enabled: false };
  if (value === "on") return { enabled: true };
  return { enabled: false, problem: `${KEY_USAGE_VARIABLE}=${quoteSetting(raw)}: ${KEY_USAGE_EXPECTED}` };
}

/** The function's environment for the config field: the variable only when on, so the default stays implicit. */
export function keyUsageEnvironment(enabled: boolean | undefined): Readonly<Record<string, string>> {
  return enabled ? { [KEY_USAGE_VARIABLE]: "on" } : {};
}
