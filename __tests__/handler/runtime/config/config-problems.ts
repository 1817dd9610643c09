import { ConfigError, loadConfig } from "../../../../handler/runtime/config/config";

/** The problems the one config loader reports for `env` (none when it loads); any other error fails the test. */
export function configProblems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
