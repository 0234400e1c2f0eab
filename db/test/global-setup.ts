import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { runMigrations } from "../migrate";
import {
  createDatabaseIfMissing,
  dropDatabase,
  ensureDatabaseServer,
  withDatabase,
} from "../../server/runtime/database";

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
  const server = await ensureDatabaseServer({
    dataDir: ".data/pg-test",
    port: Number(process.env.EMBEDDED_PG_TEST_PORT ?? 54339),
    log: () => {},
  });
  const stamp = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  // A pristine migrated template nobody connects to, so isolated databases can be cloned from it at any time
  // (PostgreSQL refuses to copy a database that has open connections).
  const template = `kh_tpl_${stamp}`;
  const name = `kh_test_${stamp}`;
  await createDatabaseIfMissing(server.adminUrl, template);
  await runMigrations(withDatabase(server.adminUrl, template));
  const admin = postgres(server.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(server.adminUrl, name);
  project.provide("databaseUrl", url);
  project.provide("adminUrl", server.adminUrl);
  project.provide("templateDatabase", template);
  return async () => {
    await dropDatabase(server.adminUrl, name);
    await dropDatabase(server.adminUrl, template);
    await server.stop();
  };
}
