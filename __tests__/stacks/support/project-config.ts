import { Testing, TerraformStack } from "cdktf";
import { config } from "../../../environments";
import { buildApp } from "../../../main";
import { EnvironmentSettings, ProjectConfig } from "../../../stacks/environment-config";
import { ConfigError, validateConfig } from "../../../stacks/validate-config";

/** The shipped config with one environment only: `dev`'s settings plus `settings`, under `name`. */
export function withEnvironment(
  settings: Partial<EnvironmentSettings> | Record<string, unknown>,
  name = "dev",
): ProjectConfig {
  return { ...config, environments: { [name]: { ...config.environments.dev, ...settings } as EnvironmentSettings } };
}

/** The problems {@link validateConfig} finds, or none. */
export function configProblems(projectConfig: ProjectConfig): readonly string[] {
  try {
    validateConfig(projectConfig);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** One synthesized stack of the app built from `projectConfig`. */
export function synthStack(name: string, projectConfig: ProjectConfig = config) {
  const app = buildApp(projectConfig, Testing.app());
  const json = Testing.synth(app.node.findChild(name) as TerraformStack);
  return { json, parsed: JSON.parse(json) };
}
