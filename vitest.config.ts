import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**"],
    globalSetup: ["./db/test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most suites wait on PostgreSQL, stand-ins or leases rather than the CPU: four at once on two cores takes a full
    // run from ~230 s to ~90 s here (each test file has its own database, so they do not see each other).
    maxWorkers: 4,
    // Partner stand-ins listen on loopback at random ports; the SSRF tests clear this to see the policy refuse them.
    env: { INTEGRATION_ALLOWED_HOSTS: "127.0.0.1,localhost,[::1]" },
  },
});
