import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// The app runs as `npm run dev` does, on a fresh embedded database with the demo data.
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
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: `rm -rf .data/e2e && tsx server.ts`,
    url: `http://localhost:${port}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    env: { PORT: String(port), PGLITE_DIR: ".data/e2e", DATABASE_URL: "", REDIS_URL: "", NEXTAUTH_SECRET: "e2e-secret", NEXTAUTH_URL: `http://localhost:${port}` },
    stdout: "pipe",
  },
});
