import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// The app runs as `npm start` does (a production build), on a fresh embedded database with
// the demo data. Staff two-factor sign-in (on by default in production) is left optional so
// the tests can sign in as the demo admins; e2e/access.spec.ts turns it on for one of them.
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/warm-up.ts",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: /hostile\.spec\.ts/ },
    // Last, once the others passed: it spends the rate limits of its address (password resets,
    // sign-ups) and ends by checking the server is still up.
    { name: "hostile", use: { ...devices["Desktop Chrome"] }, testMatch: /hostile\.spec\.ts/, dependencies: ["chromium"] },
  ],
  webServer: {
    command: `rm -rf .data/e2e && npm run build && tsx server.ts`,
    url: `http://localhost:${port}/login`,
    timeout: 420_000,
    // E2E_REUSE_SERVER=1: run against a server already on the port (for working on one spec).
    reuseExistingServer: process.env.E2E_REUSE_SERVER === "1",
    env: { NODE_ENV: "production", REQUIRE_STAFF_2FA: "0", PORT: String(port), PGLITE_DIR: ".data/e2e", DATABASE_URL: "", REDIS_URL: "", NEXTAUTH_SECRET: "e2e-secret", NEXTAUTH_URL: `http://localhost:${port}` },
    stdout: "pipe",
  },
});
