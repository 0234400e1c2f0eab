import { and, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { partnerStatusCodes, statusMappings, unmappedStatusEvents } from "@/db/schema";
import type { IntegratorAdapter, PartnerStatusEvent } from "../../integrators/types";
import type { OrderStatus } from "../orders/statuses";
import { normalizeStatusCode } from "./schemas";

/** What the exchange engine knows of the integration a batch came through. */
export interface StatusBatchSource {
  id: number;
  companyId: number;
  integrator: string;
  adapter: Pick<IntegratorAdapter, "mapStatus">;
}

const TITLE_MAX = 500;
const title = (t: string | undefined) => t?.trim().slice(0, TITLE_MAX) || null;

/**
 * The company's reading of a batch's codes: its overrides (one query for the whole batch) before the adapter's own
 * table. Null still means unmapped.
 */
export async function statusMapper(
  db: Queryable,
  p: StatusBatchSource,
  codes: Iterable<string>,
): Promise<(code: string) => OrderStatus | null> {
  const wanted = [...new Set([...codes].map(normalizeStatusCode))].filter(Boolean);
  const rows = wanted.length
    ? await db
        .select({ code: statusMappings.code, status: statusMappings.status })
        .from(statusMappings)
        .where(
          and(
            eq(statusMappings.companyId, p.companyId),
            eq(statusMappings.integrator, p.integrator),
            inArray(statusMappings.code, wanted),
          ),
        )
    : [];
  const overrides = new Map(rows.map((r) => [r.code, r.status as OrderStatus]));
  return (code) => overrides.get(normalizeStatusCode(code)) ?? p.adapter.mapStatus(code);
}

/**
 * Remembers the codes of a batch (with the partner's text, for the mapping screen) and keeps each unmapped event with
 * its order until the code is mapped. A batch that comes again adds nothing.
 */
export async function recordPartnerCodes(
  db: Queryable,
  p: StatusBatchSource,
  seen: PartnerStatusEvent[],
  unmapped: { orderId: number; event: PartnerStatusEvent }[],
) {
  await rememberCodes(db, p, seen);
  const rows = unmapped
    .map(({ orderId, event }) => ({
      companyId: p.companyId,
      integrationId: p.id,
      integrator: p.integrator,
      orderId,
      code: normalizeStatusCode(event.code),
      title: title(event.title),
      eventTime: event.eventTime ?? null,
      comment: event.comment?.trim() || null,
    }))
    .filter((r) => r.code);
  for (let i = 0; i < rows.length; i += 2000)
    await db
      .insert(unmappedStatusEvents)
      .values(rows.slice(i, i + 2000))
      .onConflictDoNothing();
}

async function rememberCodes(db: Queryable, p: StatusBatchSource, seen: PartnerStatusEvent[]) {
  const codes = new Map<string, string | null>();
  for (const ev of seen) {
    const code = normalizeStatusCode(ev.code);
    if (code) codes.set(code, title(ev.title) ?? codes.get(code) ?? null);
  }
  if (codes.size === 0) return;
  // A plain read first: most codes are known and fresh, and are then neither written nor locked, so polls of the
  // company's many integrations never wait on each other here.
  const known = await db
    .select({
      code: partnerStatusCodes.code,
      title: partnerStatusCodes.title,
      fresh: sql<boolean>`${partnerStatusCodes.lastSeenAt} > now() - interval '1 hour'`,
    })
    .from(partnerStatusCodes)
    .where(
      and(
        eq(partnerStatusCodes.companyId, p.companyId),
        eq(partnerStatusCodes.integrator, p.integrator),
        inArray(partnerStatusCodes.code, [...codes.keys()]),
      ),
    );
  const byCode = new Map(known.map((k) => [k.code, k]));
  const sorted = [...codes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const fresh = sorted.filter(([code]) => !byCode.has(code));
  if (fresh.length)
    await db
      .insert(partnerStatusCodes)
      .values(fresh.map(([code, t]) => ({ companyId: p.companyId, integrator: p.integrator, code, title: t })))
      .onConflictDoNothing();
  const stale = sorted.filter(([code, t]) => {
    const k = byCode.get(code);
    return k && (!k.fresh || (t !== null && t !== k.title));
  });
  if (stale.length) {
    const rows = JSON.stringify(stale.map(([code, t]) => ({ code, title: t })));
    await db.execute(sql`
      update partner_status_codes c set last_seen_at = now(), title = coalesce(v.title, c.title)
      from jsonb_to_recordset(${rows}::jsonb) as v(code text, title text)
      where c.company_id = ${p.companyId} and c.integrator = ${p.integrator} and c.code = v.code`);
  }
}
