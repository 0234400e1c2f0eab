import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { runMigrations } from "../migrate";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../../server/runtime/database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminUrl: string;
    templateDatabase: string;
  }
}

/**
 * One migrated database per test run, on DATABASE_URL's server or an embedded one. Tests run in
 * rolled-back transactions on it; tests that need several connections clone it as a template.
 */
export default async function setup(project: TestProject) {
  const server = await ensureDatabaseServer({ dataDir: ".data/pg-test", port: Number(process.env.EMBEDDED_PG_TEST_PORT ?? 54339), log: () => {} });
  const name = `kh_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await createDatabaseIfMissing(server.adminUrl, name);
  const url = withDatabase(server.adminUrl, name);
  await runMigrations(url);
  project.provide("databaseUrl", url);
  project.provide("adminUrl", server.adminUrl);
  project.provide("templateDatabase", name);
  return async () => {
    await dropDatabase(server.adminUrl, name);
    await server.stop();
  };
}
