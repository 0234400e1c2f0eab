import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { authThrottle, companies, orders, orderStatusHistory } from "@/db/schema";
import { networkOf } from "../security/client-ip";
import { statusTitle } from "../orders/statuses";

/** Lookups per network and minute: a person refreshing a page never meets it; a scraper walking numbers does. */
export const TRACKING_LIMIT = { requests: 30, windowSeconds: 60 };

/**
 * One more request from this network in the current window (the sign-in throttle's table, bucket `t:`): counted in
 * one statement, so parallel requests cannot all pass a read-then-write check. True = over the limit.
 */
export async function trackingRateLimited(db: Queryable, ip: string): Promise<boolean> {
  const bucket = `t:${networkOf(ip)}`;
  const window = `${TRACKING_LIMIT.windowSeconds} seconds`;
  const [row] = await db
    .insert(authThrottle)
    .values({ bucket, attempts: 1 })
    .onConflictDoUpdate({
      target: authThrottle.bucket,
      set: {
        attempts: sql`case when ${authThrottle.windowStart} < now() - ${window}::interval then 1 else ${authThrottle.attempts} + 1 end`,
        windowStart: sql`case when ${authThrottle.windowStart} < now() - ${window}::interval then now() else ${authThrottle.windowStart} end`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ attempts: authThrottle.attempts });
  return (row?.attempts ?? 0) > TRACKING_LIMIT.requests;
}

export interface TrackedOrder {
  number: string;
  status: string;
  statusTitle: string;
  statusAt: Date;
  /** The destination town only: the page shows no names, phones or addresses. */
  town: string | null;
  deliveryDate: string | null;
  history: { status: string; title: string; at: Date }[];
  companyName: string;
}

/**
 * The public tracking page's data: an order of the courier company with this extra code, by its number or barcode
 * (the newest when a number repeats across years). Minimal by design: status, dates, town.
 */
export async function trackOrder(db: Queryable, extra: number, ref: string): Promise<TrackedOrder | null> {
  if (!Number.isInteger(extra) || extra <= 0 || extra > 2_147_483_647) return null;
  const value = ref.trim();
  if (value === "" || value.length > 100) return null;
  const [row] = await db
    .select({
      id: orders.id,
      companyId: orders.companyId,
      number: orders.number,
      status: orders.status,
      statusAt: orders.statusAt,
      town: orders.receiverTown,
      date: orders.receiverDate,
      companyName: companies.name,
    })
    .from(orders)
    .innerJoin(companies, eq(companies.id, orders.companyId))
    .where(and(eq(companies.extraCode, extra), or(eq(orders.number, value), eq(orders.barcode, value))))
    .orderBy(desc(orders.id))
    .limit(1);
  if (!row) return null;
  const history = await db
    .select({ status: orderStatusHistory.status, at: orderStatusHistory.eventTime })
    .from(orderStatusHistory)
    .where(and(eq(orderStatusHistory.companyId, row.companyId), eq(orderStatusHistory.orderId, row.id)))
    .orderBy(asc(orderStatusHistory.eventTime), asc(orderStatusHistory.id))
    .limit(100);
  return {
    number: row.number,
    status: row.status,
    statusTitle: statusTitle(row.status),
    statusAt: row.statusAt,
    town: row.town,
    deliveryDate: row.date,
    history: history.map((h) => ({ status: h.status, title: statusTitle(h.status), at: h.at })),
    companyName: row.companyName,
  };
}

/** `<public base>/t/<extra>/<number>`: the link shop apps send and the order card shows. */
export function trackingUrl(extra: number, number: string, base = process.env.PUBLIC_URL): string | null {
  if (!base) return null;
  return new URL(`t/${extra}/${encodeURIComponent(number)}`, base.endsWith("/") ? base : `${base}/`).toString();
}
