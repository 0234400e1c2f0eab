import { and, eq, sql } from "drizzle-orm";
import type { Database, Queryable, Transaction } from "@/db/client";
import { feedCursors } from "@/db/schema";
import type { ServiceCall } from "../context";
import { ForbiddenError } from "../errors";
import { retryConflicts } from "../pg-errors";
import { loadOrderDetails, type FeedMode, type OrderDetails } from "./lookup";

/*
 * The change feed (statusreq changes=ONLY_LAST + commitlaststatus).
 *
 * Every change to an order leaves a row in order_changes stamped with the writing transaction's id (xid8). A cursor
 * stores *snapshots*, not ids: a poll returns the orders whose changes are visible in the poll's snapshot S and were
 * not visible in the committed snapshot C, and remembers S; commitlaststatus makes S the new C. Snapshots grow
 * monotonically, so every committed change falls into exactly one window: nothing is lost when transactions commit
 * out of id order, and nothing already acknowledged comes back. The poll reads the window and the orders' data in
 * one REPEATABLE READ snapshot, so what it returns is exactly the state at S.
 *
 * (The brief suggested a cursor at pg_snapshot_xmin; that also loses nothing, but its poll can return state written
 * by transactions above xmin and then return the same change again, and one long write transaction anywhere on the
 * server holds every feed back. The full snapshot has neither problem.)
 */

export const DEFAULT_STREAM = 0;

interface CursorKey {
  mode: FeedMode;
  streamId: number;
}

function key(ctx: ServiceCall<unknown>["ctx"], input: CursorKey) {
  if (ctx.actor.type !== "client") throw new ForbiddenError("Лента изменений ведётся для учётной записи клиента");
  return { companyId: ctx.actor.companyId, clientId: ctx.actor.clientId, mode: input.mode, streamId: input.streamId };
}

function isTransaction(db: Queryable): db is Transaction {
  return "rollback" in db;
}

/**
 * Runs fn in REPEATABLE READ; polls of one stream that collide (serialization failure, deadlock, cursor locked) run
 * again after a short jittered pause instead of surfacing as code 13. Inside an open transaction (tests) it nests.
 */
async function repeatableRead<T>(db: Queryable, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  if (isTransaction(db)) return db.transaction(fn);
  return retryConflicts(() => (db as Database).transaction(fn, { isolationLevel: "repeatable read" }));
}

export async function pollChanges({ ctx, input }: ServiceCall<CursorKey>): Promise<OrderDetails[]> {
  const k = key(ctx, input);
  await ctx.db.insert(feedCursors).values(k).onConflictDoNothing();
  const where = and(
    eq(feedCursors.companyId, k.companyId),
    eq(feedCursors.clientId, k.clientId),
    eq(feedCursors.mode, k.mode),
    eq(feedCursors.streamId, k.streamId),
  );
  return repeatableRead(ctx.db, async (tx) => {
    // First statement: takes the snapshot and the cursor lock, so polls of one stream are serial. NOWAIT: a poll
    // that finds the stream busy fails at once (55P03) and retries after a pause rather than holding a connection
    // while it waits, only to fail with 40001 anyway once the holder commits its cursor update.
    const [cursor] = await tx
      .select({ committed: feedCursors.committedSnapshot })
      .from(feedCursors)
      .where(where)
      .for("update", { noWait: true });
    const scope =
      k.mode === "CLIENT"
        ? sql`o.client_id = ${k.clientId}`
        : sql`o.responsible_branch_id in (select id from branches where company_id = ${k.companyId} and agent_client_id = ${k.clientId})`;
    // One statement, so the snapshot it reports is the one the window was read with.
    const rows = await tx.execute<{ snap: string; ids: string[] | null }>(sql`
      select s.snap::text as snap, array(
        select o.id from orders o
        where o.company_id = ${k.companyId} and ${scope}
          -- Orders by primary key from the window's ids: a join here let the planner pick a per-client index scan
          -- per change row (quadratic) whenever the table's statistics lagged behind a burst of changes.
          and o.id = any(array(
            select distinct c.order_id from order_changes c
            where c.company_id = ${k.companyId}
              and c.txid >= pg_snapshot_xmin(${cursor!.committed}::pg_snapshot) and c.txid < pg_snapshot_xmax(s.snap)
              and pg_visible_in_snapshot(c.txid, s.snap) and not pg_visible_in_snapshot(c.txid, ${cursor!.committed}::pg_snapshot)))
        order by o.id
      )::text[] as ids
      from (select pg_current_snapshot() as snap) s`);
    const { snap, ids } = rows[0]!;
    const details = await loadOrderDetails(tx, k.companyId, (ids ?? []).map(Number));
    await tx.update(feedCursors).set({ polledSnapshot: snap, polledAt: new Date() }).where(where);
    return details;
  });
}

/** Acknowledges exactly what the stream's last poll returned; changes made after that poll stay for the next one. */
export async function commitChanges({ ctx, input }: ServiceCall<CursorKey>): Promise<{ committed: boolean }> {
  const k = key(ctx, input);
  const rows = await ctx.db
    .update(feedCursors)
    .set({ committedSnapshot: sql`${feedCursors.polledSnapshot}`, polledSnapshot: null, committedAt: new Date() })
    .where(
      and(
        eq(feedCursors.companyId, k.companyId),
        eq(feedCursors.clientId, k.clientId),
        eq(feedCursors.mode, k.mode),
        eq(feedCursors.streamId, k.streamId),
        sql`${feedCursors.polledSnapshot} is not null`,
      ),
    )
    .returning({ companyId: feedCursors.companyId });
  return { committed: rows.length > 0 };
}
