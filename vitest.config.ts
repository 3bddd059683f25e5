import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "lib/**/*.test.ts",
      "functions/**/*.test.ts",
      "test/**/*.test.ts",
      "local/**/*.test.ts",
    ],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: the infra synth, DynamoDB Local and the e2e runtime compete for them.
    maxWorkers: 2,
    env: { POWERTOOLS_LOG_LEVEL: "SILENT" },
  },
});
