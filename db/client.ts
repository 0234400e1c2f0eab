import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything a service can query through: the pool or an open transaction. */
export type Queryable = Database | Transaction;

export function createDatabase(url: string, options: { max?: number } = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
  });
  const db = drizzle(sql, { schema, casing: "snake_case" });
  return { db, sql };
}

const globalForDb = globalThis as unknown as { kurierDb?: ReturnType<typeof createDatabase> };

/** The process-wide pool, cached on globalThis so Next.js hot reload does not leak connections. */
export function getDb(): Database {
  if (!globalForDb.kurierDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides it");
    globalForDb.kurierDb = createDatabase(url);
  }
  return globalForDb.kurierDb.db;
}
