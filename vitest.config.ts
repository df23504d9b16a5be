import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Unit tests import workspace packages from their TypeScript sources, never
// from a dist that may be stale; end-to-end tests run the built release tree.
export default defineConfig({
  resolve: {
    alias: {
      "@release-gates/core": source("core"),
      "@release-gates/platform": source("platform"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["packages/*/test/**/*.test.ts", "actions/*/test/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 },
      },
    ],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "actions/*/src/**/*.ts"],
      reporter: ["text-summary", "lcov", "json-summary"],
      reportsDirectory: "coverage",
    },
  },
});
