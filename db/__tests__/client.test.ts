import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { createIsolatedDatabase } from "../test/helpers";
import { createDatabase } from "../client";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe("a transaction whose connection drops", () => {
  it("fails with a catchable error, crashes nothing, and the pool's one connection works again", async () => {
    const iso = await createIsolatedDatabase();
    cleanup.push(() => iso.drop());
    const { db, sql: pool } = createDatabase(iso.url, { max: 1 });
    const killer = postgres(iso.url, { max: 1, onnotice: () => {} });
    cleanup.push(async () => {
      await pool.end({ timeout: 1 });
      await killer.end({ timeout: 1 });
    });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    // Vitest would report the error itself; collect it here so the assertion below names it.
    process.prependListener("uncaughtException", onUncaught);
    cleanup.push(async () => void process.off("uncaughtException", onUncaught));

    let pid = 0;
    const tx = db.transaction(async (t) => {
      const [row] = await t.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      pid = row!.pid;
      await t.execute(sql`select pg_sleep(5)`); // in flight when the backend dies
    });
    while (pid === 0) await new Promise((r) => setTimeout(r, 20));
    await killer`select pg_terminate_backend(${pid})`;

    await expect(tx).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    await new Promise((r) => setTimeout(r, 200)); // where postgres.js' stray ROLLBACK write would throw
    expect(uncaught).toEqual([]);
    // Same (only) pooled connection: it reconnects instead of timing out on a poisoned write buffer. (postgres.js may
    // still hand the dead backend's 57P01 to the first query after the reconnect, so one failure is tolerated.)
    const deadline = Date.now() + 5_000;
    const failures: unknown[] = [];
    for (;;) {
      const attempt = await Promise.race([
        db.execute<{ one: number }>(sql`select 1 as one`).then(
          (rows) => rows[0]!.one,
          (e: unknown) => e,
        ),
        new Promise((r) => setTimeout(() => r(new Error("no answer in 5 s")), 5_000)),
      ]);
      if (attempt === 1) break;
      failures.push(attempt);
      if (Date.now() > deadline) throw new Error(`the pool did not recover: ${failures.map(String).join("; ")}`);
    }
    expect(failures.length).toBeLessThanOrEqual(1);
    await db.transaction(async (t) => {
      await t.execute(sql`select 1`);
    });
  });
});
