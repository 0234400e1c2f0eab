import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabase, type Transaction } from "../client";
import { dropDatabase, withDatabase } from "../../server/runtime/database";
import postgres from "postgres";

let shared: ReturnType<typeof createDatabase> | undefined;
export function testDatabase() {
  shared ??= createDatabase(inject("databaseUrl"), { max: 4 });
  return shared;
}

class Rollback extends Error {}

/** Runs the body in a transaction that is always rolled back, so tests never see each other's rows. */
export async function withTestTransaction(fn: (tx: Transaction) => Promise<void>): Promise<void> {
  try {
    await testDatabase().db.transaction(async (tx) => {
      await fn(tx);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
}

/** A whole database of its own (cloned from the migrated template), for tests that need several connections. */
export async function createIsolatedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject("adminUrl");
  const name = `kh_iso_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${inject("templateDatabase")}"`);
  } finally {
    await admin.end();
  }
  return { url: withDatabase(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}
