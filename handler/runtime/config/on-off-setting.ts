/**
 * A switch setting (`SECURITY_HUB`, `KEY_USAGE`): `on` or `off`, any case, blanks around ignored; unset
 * or empty is `off`. Pure, so the config loader and synth read a switch the same way.
 */
import { quoteSetting } from "../mask";

/** What a bad value is told, after the variable and its quoted value. */
export const ON_OFF_EXPECTED = 'expected "on" or "off"';

/** A switch as read: enabled, or the problem with the value (a sentence naming the variable and quoting it). */
export type OnOffSetting =
  | { readonly enabled: boolean; readonly problem?: undefined }
  | { readonly enabled: false; readonly problem: string };

/** Reads the switch `variable` from its raw value. */
export function parseOnOffSetting(variable: string, raw: string | undefined): OnOffSetting {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "off") return { enabled: false };
  if (value === "on") return { enabled: true };
  return { enabled: false, problem: `${variable}=${quoteSetting(raw)}: ${ON_OFF_EXPECTED}` };
}

/** The function's environment for a switch's config field: the variable only when on, so the default stays implicit. */
export function onOffEnvironment(variable: string, enabled: boolean | undefined): Readonly<Record<string, string>> {
  return enabled ? { [variable]: "on" } : {};
}
