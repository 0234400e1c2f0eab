import { count, countDistinct, eq, min } from "drizzle-orm";
import { partnerStatusCodes, statusMappings, unmappedStatusEvents } from "@/db/schema";
import { INTEGRATOR_SETTINGS } from "../../integrators/catalog";
import { getIntegrator } from "../../integrators/registry";
import { DEFAULT_STATUS_MAPS } from "../../integrators/status-tables";
import { assertStaff, type ServiceCall } from "../context";
import type { OrderStatus } from "../orders/statuses";

export interface StatusMappingRow {
  code: string;
  /** The partner's own text for the code, once it has sent one. */
  title: string | null;
  /** What the code means for this company; null = unmapped (its events wait). */
  status: OrderStatus | null;
  /** The adapter's own table. */
  defaultStatus: OrderStatus | null;
  overridden: boolean;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  /** Events of this code kept until it is mapped, and how many orders they concern. */
  waitingEvents: number;
  waitingOrders: number;
  waitingSince: Date | null;
}

export interface IntegratorStatusMapping {
  integrator: string;
  title: string;
  rows: StatusMappingRow[];
}

/**
 * The company's status-mapping screen: for every integrator, the partner codes (its default table, the codes its
 * partners have sent, the company's overrides) with what each means here; codes waiting for a mapping first.
 */
export async function listStatusMappings({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const companyId = ctx.actor.companyId;
  const [overrides, seen, waiting] = await Promise.all([
    ctx.db
      .select({ integrator: statusMappings.integrator, code: statusMappings.code, status: statusMappings.status })
      .from(statusMappings)
      .where(eq(statusMappings.companyId, companyId)),
    ctx.db
      .select({
        integrator: partnerStatusCodes.integrator,
        code: partnerStatusCodes.code,
        title: partnerStatusCodes.title,
        firstSeenAt: partnerStatusCodes.firstSeenAt,
        lastSeenAt: partnerStatusCodes.lastSeenAt,
      })
      .from(partnerStatusCodes)
      .where(eq(partnerStatusCodes.companyId, companyId)),
    ctx.db
      .select({
        integrator: unmappedStatusEvents.integrator,
        code: unmappedStatusEvents.code,
        events: count(),
        orders: countDistinct(unmappedStatusEvents.orderId),
        since: min(unmappedStatusEvents.receivedAt),
      })
      .from(unmappedStatusEvents)
      .where(eq(unmappedStatusEvents.companyId, companyId))
      .groupBy(unmappedStatusEvents.integrator, unmappedStatusEvents.code),
  ]);

  const key = (integrator: string, code: string) => `${integrator}\u0000${code}`;
  const overrideOf = new Map(overrides.map((o) => [key(o.integrator, o.code), o.status as OrderStatus]));
  const seenOf = new Map(seen.map((s) => [key(s.integrator, s.code), s]));
  const waitingOf = new Map(waiting.map((w) => [key(w.integrator, w.code), w]));

  // The catalog's partners that send statuses to us (branch integrators; a shop app takes ours instead) in its order,
  // then integrators outside it that this company has codes of (partners added at run time).
  const ids: string[] = INTEGRATOR_SETTINGS.filter((s) => (s.owner ?? "branch") === "branch").map((s) => s.id);
  for (const r of [...overrides, ...seen, ...waiting]) if (!ids.includes(r.integrator)) ids.push(r.integrator);

  const result: IntegratorStatusMapping[] = [];
  for (const id of ids) {
    const adapter = getIntegrator(id);
    if (!adapter) continue; // codes of an integrator no longer spoken: nothing to map them to
    const table: Readonly<Record<string, OrderStatus>> =
      DEFAULT_STATUS_MAPS[id as keyof typeof DEFAULT_STATUS_MAPS] ?? {};
    const codes = new Set(Object.keys(table));
    const extra = new Set<string>();
    for (const r of [...overrides, ...seen, ...waiting])
      if (r.integrator === id && !codes.has(r.code)) extra.add(r.code);
    const ordered = [...codes, ...[...extra].sort()];

    const rows = ordered.map((code): StatusMappingRow => {
      const k = key(id, code);
      const defaultStatus = adapter.mapStatus(code);
      const override = overrideOf.get(k);
      const s = seenOf.get(k);
      const w = waitingOf.get(k);
      return {
        code,
        title: s?.title ?? null,
        status: override ?? defaultStatus,
        defaultStatus,
        overridden: override !== undefined,
        firstSeenAt: s?.firstSeenAt ?? null,
        lastSeenAt: s?.lastSeenAt ?? null,
        waitingEvents: w?.events ?? 0,
        waitingOrders: w?.orders ?? 0,
        waitingSince: w?.since ?? null,
      };
    });
    // Waiting codes first, the longest waiting at the top; the rest keep the table's order.
    const waitingRows = rows
      .filter((r) => r.waitingEvents > 0 || (r.status === null && r.firstSeenAt))
      .sort((a, b) => (a.waitingSince?.getTime() ?? Infinity) - (b.waitingSince?.getTime() ?? Infinity));
    result.push({
      integrator: id,
      title: adapter.title,
      rows: [...waitingRows, ...rows.filter((r) => !waitingRows.includes(r))],
    });
  }
  const canEdit = ctx.actor.type !== "staff" || ctx.actor.role === "admin";
  return { canEdit, integrators: result };
}
