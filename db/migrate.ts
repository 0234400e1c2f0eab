import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDatabase } from "./client";
import { ensureReferenceData } from "./reference/load";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies the committed drizzle-kit migrations and loads reference data; safe to run concurrently from several processes. */
export async function runMigrations(url: string): Promise<void> {
  const { db, sql } = createDatabase(url, { max: 1 });
  try {
    // One advisory lock so web and worker starting together do not race on the same migration.
    await sql`select pg_advisory_lock(727274)`;
    await migrate(db, { migrationsFolder });
    // Reference data ships as CSV beside the code; loaded under the same lock, once per file version.
    await ensureReferenceData(db);
  } finally {
    await sql`select pg_advisory_unlock(727274)`.catch(() => {});
    await sql.end();
  }
}
