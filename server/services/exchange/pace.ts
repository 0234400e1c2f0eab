import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";

/** Slots a little wider than the limit: a request leaves a few milliseconds after its slot, never before. */
const MARGIN = 1.1;

/**
 * One pace per partner gate for every worker and web replica: each call takes the next free slot of `key` in
 * PostgreSQL (one row, updated atomically) and waits for it, so all processes together stay within `perSecond`.
 * Returns how long it waited (ms).
 */
export async function takePartnerSlot(db: Queryable, key: string, perSecond: number): Promise<number> {
  const spacingMs = (1000 / perSecond) * MARGIN;
  const step = sql`${spacingMs} * interval '1 millisecond'`;
  const rows = await db.execute<{ wait_ms: number }>(sql`
    insert into partner_pace (key, next_at) values (${key}, clock_timestamp() + ${step})
    on conflict (key) do update set next_at = greatest(partner_pace.next_at, clock_timestamp()) + ${step}
    returning (extract(epoch from (next_at - clock_timestamp())) * 1000 - ${spacingMs})::float as wait_ms`);
  const wait = rows[0]?.wait_ms ?? 0;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return Math.max(0, wait);
}
