import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";

/** The channel the exchange workers listen on: an integration id means «it has work now». */
export const SYNC_CHANNEL = "kh_sync";

/**
 * Wakes the workers once the surrounding transaction commits (NOTIFY is transactional), so hand-over starts at once.
 * Outside the engine's folder so the order lifecycle can wake it without depending on it.
 */
export async function notifySync(db: Queryable, integrationIds: Iterable<number>) {
  for (const id of new Set(integrationIds)) await db.execute(sql`select pg_notify(${SYNC_CHANNEL}, ${String(id)})`);
}
