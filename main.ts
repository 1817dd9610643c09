import { App } from "cdktf";
import { config } from "./environments";
import { ProjectConfig } from "./stacks/environment-config";
import { MonitorStack } from "./stacks/monitor-stack";
import { StateBackendStack } from "./stacks/state-backend-stack";
import { ConfigError, validateConfig } from "./stacks/validate-config";

/** Builds the app: the bootstrap stack plus one monitor stack per environment. */
export function buildApp(projectConfig: ProjectConfig = config, app: App = new App()): App {
  const { stateBackend, environments } = validateConfig(projectConfig);
  new StateBackendStack(app, stateBackend);
  for (const [environmentName, settings] of Object.entries(environments)) {
    new MonitorStack(app, { environmentName, settings, stateBackend });
  }
  return app;
}

if (require.main === module) {
  try {
    buildApp().synth();
  } catch (error) {
    // A configuration mistake is the user's to fix: show the list of problems, not a stack trace.
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
