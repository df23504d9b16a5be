import { defineConfig } from "vitest/config";

// Tests import workspace packages through their subpath exports, resolved to the
// TypeScript sources by the "source" condition, never from a dist that may be stale.
// End-to-end tests run the built release tree.
const SOURCE = ["source"];

export default defineConfig({
  resolve: { conditions: SOURCE },
  ssr: { resolve: { conditions: SOURCE, externalConditions: SOURCE } },
  test: {
    server: { deps: { inline: [/@release-gates\//] } },
    projects: [
      {
        extends: true,
        test: {
          // No services: pure functions, temp git repositories and in-process HTTP stand-ins.
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "actions/*/test/**/*.test.ts", "test/contract/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts"],
        },
      },
      {
        extends: true,
        // Real services on the machine: a Prometheus server, the npm registry.
        test: { name: "integration", include: ["packages/*/test/**/*.integration.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 },
      },
    ],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "actions/*/src/**/*.ts"],
      exclude: ["packages/test-helpers/**"],
      reporter: ["text-summary", "lcov", "json-summary"],
      reportsDirectory: "coverage",
    },
  },
});
