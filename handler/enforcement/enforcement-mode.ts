/** How the monitor enforces `DEACTIVATE_AGE`: not at all, by announcing only, or by deactivating keys. */
export type EnforcementMode = "off" | "dry-run" | "armed";

/** Every value of `ENFORCEMENT` / `enforcement`, default first. */
export const ENFORCEMENT_MODES: readonly EnforcementMode[] = ["off", "dry-run", "armed"];

/** What the monitor does with a key AWS reports as exposed (`EXPOSED_KEYS` / `exposedKeys`). */
export type ExposedKeysAction = "alert" | "deactivate";

/** Every value of `EXPOSED_KEYS` / `exposedKeys`, default first. */
export const EXPOSED_KEYS_ACTIONS: readonly ExposedKeysAction[] = ["alert", "deactivate"];

/**
 * The enforcement mode a value names, or undefined when it names none. The one parser of the
 * setting, for synth (which grants `iam:UpdateAccessKey` only for `armed`) and for the function: a
 * value is taken exactly as written, never trimmed, so both always read the same mode.
 */
export function parseEnforcementMode(value: unknown): EnforcementMode | undefined {
  return ENFORCEMENT_MODES.find((mode) => mode === value);
}

/** The exposed-keys action a value names, or undefined; exact, like {@link parseEnforcementMode}. */
export function parseExposedKeysAction(value: unknown): ExposedKeysAction | undefined {
  return EXPOSED_KEYS_ACTIONS.find((action) => action === value);
}
