import { ConfigError, loadConfig, type MonitorConfig } from "../handler/runtime/config/config";
import { ENV_FLAGS, type EnvFlag } from "./cli-options";

const WEBHOOK_VARIABLES = ["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_PARAMETER"] as const;

/**
 * Loads the handler's configuration for the CLI: the environment with the flags' overrides on top.
 * Without `--notify` nothing is posted, so the webhook variables are ignored and the config is a
 * dry run: a scan from a laptop needs no webhook. A problem caused by a flag names the flag
 * (`--warning-age="…"`) instead of the variable it stands in for.
 */
export function loadCliConfig(
  env: Readonly<Record<string, string | undefined>>,
  envOverrides: Readonly<Record<string, string | undefined>>,
  notify: boolean,
): MonitorConfig {
  const merged: Record<string, string | undefined> = { ...env, ...envOverrides };
  if (!notify) {
    for (const name of WEBHOOK_VARIABLES) delete merged[name];
    merged.DRY_RUN = "true";
  }
  // The CLI never deactivates: it only forecasts dates from DEACTIVATE_AGE, so it needs no alert state.
  merged.ENFORCEMENT = "off";
  try {
    return loadConfig(merged);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const flagFor = new Map(
      (Object.entries(ENV_FLAGS) as [EnvFlag, string][])
        .filter(([, variable]) => envOverrides[variable] !== undefined)
        .map(([flag, variable]) => [variable, `--${flag}`]),
    );
    throw new ConfigError(
      error.problems.map((problem) =>
        [...flagFor].reduce((text, [variable, flag]) => text.split(`${variable}=`).join(`${flag}=`), problem),
      ),
    );
  }
}
