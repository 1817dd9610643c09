/** Settings every tier shares. */
const shared = {
  testEnvironment: "node",
  // Type-checking happens once in `tsc --noEmit` (npm test); with isolatedModules ts-jest only transpiles.
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFiles: ["<rootDir>/__tests__/support/jest-setup.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/cdktf-matchers.ts"],
};

// Tests that start moto, a fake Slack, the bundled function or Terraform live under an
// `integration/` or `e2e/` folder; everything else is the fast tier (`npm run test:unit`).
const slowFolders = ["integration", "e2e"];

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
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
      testMatch: slowFolders.map((folder) => `**/${folder}/**/*.test.ts`),
    },
  ],
};
