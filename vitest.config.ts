import path from "node:path";
import { defineConfig } from "vitest/config";

// type-graphql loads graphql's CommonJS build; every test must see that same copy
// (graphql refuses schemas built by another copy of itself).
const alias = [
  { find: /^@\//, replacement: `${path.resolve(import.meta.dirname, "src")}/` },
  { find: /^graphql$/, replacement: path.resolve(import.meta.dirname, "node_modules/graphql/index.js") },
];
const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

const integration = (name: string, env: Record<string, string>) => ({
  resolve: { alias },
  test: {
    name,
    include: ["src/**/*.int.test.ts"],
    setupFiles: ["src/test/setup-integration.ts"],
    // The API's documents run compiled from their first use (the app compiles a document
    // on its tenth), so the tests check the compiled execution.
    env: { GRAPHQL_COMPILE_AFTER: "1", ...env },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks" as const,
  },
});

// Integration tests run against embedded PGlite always, and against the PostgreSQL
// server as well when TEST_DATABASE_URL (or DATABASE_URL) names one: each test file
// gets a database of its own.
export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["src/**/*.test.ts"], exclude: ["src/**/*.int.test.ts"] } },
      integration("integration:pglite", { TEST_DB: "pglite" }),
      ...(postgresUrl ? [integration("integration:postgres", { TEST_DB: "postgres", TEST_DATABASE_URL: postgresUrl })] : []),
    ],
  },
});
