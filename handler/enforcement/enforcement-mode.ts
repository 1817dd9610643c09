/** How the monitor enforces `DEACTIVATE_AGE`: not at all, by announcing only, or by deactivating keys. */
export type EnforcementMode = "off" | "dry-run" | "armed";

/** Every value of `ENFORCEMENT` / `enforcement`, default first. */
export const ENFORCEMENT_MODES: readonly EnforcementMode[] = ["off", "dry-run", "armed"];
