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
    // The default back-off grows to 10–20 s between reconnects, so a 10 s outage kept work waiting twice as long.
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 2),
    connect_timeout: 10,
  });
  guardTransactions(sql);
  const db = drizzle(sql, { schema, casing: "snake_case" });
  return { db, sql };
}

/** Errors that mean the server or the network went away (not a refusal of the statement itself). */
const CONNECTION_LOSS = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up / shutting down)
  "08000",
  "08001",
  "08003",
  "08006",
]);

/** True when `e` (or its cause) says PostgreSQL could not be reached or the connection dropped. */
export function isConnectionLoss(e: unknown): boolean {
  for (
    let x: unknown = e, depth = 0;
    x && typeof x === "object" && depth < 5;
    x = (x as { cause?: unknown }).cause, depth++
  ) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_LOSS.has(code)) return true;
    if (x instanceof AggregateError && x.errors.some(isConnectionLoss)) return true;
    if (
      x instanceof Error &&
      /Connection terminated|Cannot read properties of null \(reading 'write'\)/.test(x.message)
    )
      return true;
  }
  return false;
}

type Scope = postgres.TransactionSql;

/**
 * postgres.js 3.4.9 (porsager/postgres#1208, #1154): when a transaction's connection drops, the transaction is
 * rejected with CONNECTION_CLOSED, but its ROLLBACK — and any later query of it — is then written to the closed
 * socket from a timer: an uncatchable `Cannot read properties of null (reading 'write')` that kills the process and
 * leaves that pooled connection unable to reconnect. A transaction whose connection is gone is parked instead:
 * nothing more reaches the dead connection; the caller already has its error. Remove once upstream ships the fix.
 */
function guardTransactions(sql: postgres.Sql) {
  const begin = sql.begin.bind(sql) as (...args: unknown[]) => Promise<unknown>;
  (sql as { begin: unknown }).begin = (...args: unknown[]) => {
    const fn = args.pop() as (tx: Scope) => unknown;
    let lost = false;
    let markLost = () => {};
    const gone = new Promise<void>((resolve) => (markLost = resolve));
    const run = guardScope(fn, () => lost, gone);
    return begin(...args, run).catch((e: unknown) => {
      if ((e as { code?: unknown })?.code === "CONNECTION_CLOSED") {
        lost = true;
        markLost();
      }
      throw e;
    });
  };
}

function guardScope<T>(fn: (tx: Scope) => T, isLost: () => boolean, gone: Promise<void>) {
  return async (tx: Scope): Promise<Awaited<T>> => {
    const refuse = () =>
      Promise.reject(
        Object.assign(new Error("CONNECTION_CLOSED: the transaction's connection is gone"), {
          code: "CONNECTION_CLOSED",
        }),
      );
    const unsafe = tx.unsafe.bind(tx);
    const savepoint = tx.savepoint.bind(tx) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(tx, {
      unsafe: (...args: Parameters<Scope["unsafe"]>) => {
        if (!isLost()) return unsafe(...args);
        // Drizzle awaits the query or calls `.values()` on it; both must fail without touching the connection.
        return {
          then: (ok: never, fail: never) => refuse().then(ok, fail),
          catch: (fail: never) => refuse().catch(fail),
          values: refuse,
          execute: refuse,
        };
      },
      savepoint: (...args: unknown[]) => {
        if (isLost()) return refuse();
        const inner = args.pop() as (tx: Scope) => unknown;
        return savepoint(...args, guardScope(inner, isLost, gone));
      },
    });
    try {
      return await fn(tx);
    } catch (e) {
      // The connection's close reaches the transaction a moment after the failed query: wait for it before deciding.
      await (isConnectionLoss(e)
        ? Promise.race([gone, new Promise((r) => setTimeout(r, 2_000))])
        : new Promise((r) => setImmediate(r)));
      if (isLost()) return new Promise<never>(() => {});
      throw e;
    }
  };
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
