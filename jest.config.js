/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type-checking happens once in `tsc --noEmit` (npm test); with isolatedModules ts-jest only transpiles.
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFiles: ["<rootDir>/__tests__/support/jest-setup.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/cdktf-matchers.ts"],
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
};
