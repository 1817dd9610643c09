const { readdirSync } = require("node:fs");
const path = require("node:path");

/** Settings every tier shares. */
const shared = {
  testEnvironment: "node",
  // Type-checking happens once in `tsc --noEmit` (npm test); with isolatedModules ts-jest only transpiles.
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFiles: ["<rootDir>/__tests__/support/jest-setup.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/cdktf-matchers.ts"],
};

// Tests that start moto, a fake Slack or the bundled function live under an `integration/` folder, the
// ones that run Terraform under `e2e/`; everything else is the fast tier (`npm run test:unit`).
const slowFolders = ["integration", "e2e"];

// Each e2e file starts its own moto and writes its own output directory, and spends most of its time in
// the AWS provider's fixed waits after creating a resource, not on a core: every e2e file gets a worker
// of its own (they start first, see e2e-first-sequencer.js), and one more works through the rest.
const e2eFiles = readdirSync(path.join(__dirname, "__tests__", "e2e")).filter((file) => file.endsWith(".test.ts"));

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  maxWorkers: e2eFiles.length + 1,
  testSequencer: "<rootDir>/__tests__/support/e2e-first-sequencer.js",
  projects: [
    {
      ...shared,
      displayName: "unit",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", ...slowFolders.map((folder) => `/${folder}/`)],
    },
    {
      ...shared,
      displayName: "integration",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/integration/**/*.test.ts"],
    },
    {
      ...shared,
      displayName: "e2e",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/e2e/**/*.test.ts"],
    },
  ],
};
