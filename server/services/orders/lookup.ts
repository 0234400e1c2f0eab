import { and, asc, eq, gte, inArray, like, lt, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { branches, orderExtras, orderItems, orderPackages, orders, orderStatusHistory } from "@/db/schema";
import type { ServiceCall } from "../context";
import { ValidationError } from "../errors";
import { agentScope, orderScope } from "./scope";
import { FINAL_STATUSES } from "./statuses";

export type FeedMode = "CLIENT" | "AGENT";

export interface OrderDetails {
  order: typeof orders.$inferSelect;
  branch: { code: string; name: string } | null;
  items: (typeof orderItems.$inferSelect)[];
  packages: (typeof orderPackages.$inferSelect)[];
  history: (typeof orderStatusHistory.$inferSelect)[];
  extras: Record<string, unknown> | null;
}

/** Orders with items, places, history and responsible branch, in the given id order; a few queries whatever the count. */
export async function loadOrderDetails(db: Queryable, companyId: number, ids: number[]): Promise<OrderDetails[]> {
  if (ids.length === 0) return [];
  // One text parameter, however many ids (the feed may return many thousands).
  const idList = sql`any(string_to_array(${ids.join(",")}, ',')::bigint[])`;
  const [rows, items, packages, history, extras] = await Promise.all([
    db
      .select({ order: orders, branchCode: branches.code, branchName: branches.name })
      .from(orders)
      .leftJoin(branches, eq(branches.id, orders.responsibleBranchId))
      .where(and(eq(orders.companyId, companyId), sql`${orders.id} = ${idList}`)),
    db
      .select()
      .from(orderItems)
      .where(and(eq(orderItems.companyId, companyId), sql`${orderItems.orderId} = ${idList}`))
      .orderBy(asc(orderItems.id)),
    db
      .select()
      .from(orderPackages)
      .where(and(eq(orderPackages.companyId, companyId), sql`${orderPackages.orderId} = ${idList}`))
      .orderBy(asc(orderPackages.id)),
    db
      .select()
      .from(orderStatusHistory)
      .where(and(eq(orderStatusHistory.companyId, companyId), sql`${orderStatusHistory.orderId} = ${idList}`))
      .orderBy(asc(orderStatusHistory.id)),
    db
      .select()
      .from(orderExtras)
      .where(and(eq(orderExtras.companyId, companyId), sql`${orderExtras.orderId} = ${idList}`)),
  ]);
  const byExtras = new Map(extras.map((e) => [e.orderId, e.data as Record<string, unknown>]));
  const group = <T extends { orderId: number }>(list: T[]) => {
    const m = new Map<number, T[]>();
    for (const x of list) (m.get(x.orderId) ?? m.set(x.orderId, []).get(x.orderId)!).push(x);
    return m;
  };
  const byItems = group(items);
  const byPackages = group(packages);
  const byHistory = group(history);
  const byId = new Map(rows.map((r) => [r.order.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        order: r.order,
        branch: r.branchCode !== null && r.branchName !== null ? { code: r.branchCode, name: r.branchName } : null,
        items: byItems.get(id) ?? [],
        packages: byPackages.get(id) ?? [],
        history: byHistory.get(id) ?? [],
        extras: byExtras.get(id) ?? null,
      },
    ];
  });
}

export const DONE_FILTERS = {
  /** Successful finals. */
  ONLY_DONE: ["COMPLETE", "PARTIALLY", "PARTLYRETURNED"],
  /** Unsuccessful finals. */
  ONLY_NOT_DONE: ["CANCELED", "RETURNED", "LOST"],
  ONLY_NEW: ["AWAITING_SYNC", "NEW", "NEWPICKUP"],
} as const;

export interface OrderSearch {
  mode: FeedMode;
  number?: string;
  id?: number;
  dateFrom?: string;
  dateTo?: string;
  done?: "ONLY_DONE" | "ONLY_NOT_DONE" | "ONLY_NEW" | "ONLY_DELIVERY";
  target?: string;
  nameContains?: string;
  nameStarts?: string;
}

export const SEARCH_LIMIT = 5000;
// Dates on the wire are the courier's local (Moscow) calendar days.
const MSK = "+03:00";
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** statusreq's search: the account's own orders (CLIENT) or those handed to it as a partner (AGENT). */
export async function searchOrders({
  ctx,
  input,
}: ServiceCall<OrderSearch>): Promise<{ orders: OrderDetails[]; truncated: boolean }> {
  const companyId = ctx.actor.companyId;
  let scope: SQL;
  if (input.mode === "AGENT") {
    if (ctx.actor.type !== "client")
      throw new ValidationError("Список партнёра доступен только учётной записи партнёра");
    scope = agentScope(ctx.db, companyId, ctx.actor.clientId);
  } else scope = orderScope(ctx);
  const where: (SQL | undefined)[] = [scope];
  const day = (d: string, field: string) => {
    const t = new Date(`${d}T00:00:00${MSK}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(t.getTime()))
      throw new ValidationError("Дата в формате ГГГГ-ММ-ДД", { [field]: ["Дата в формате ГГГГ-ММ-ДД"] });
    return t;
  };
  if (input.number !== undefined) where.push(eq(orders.number, input.number));
  if (input.id !== undefined) where.push(eq(orders.id, input.id));
  if (input.dateFrom) where.push(gte(orders.createdAt, day(input.dateFrom, "dateFrom")));
  if (input.dateTo) where.push(lt(orders.createdAt, new Date(day(input.dateTo, "dateTo").getTime() + 86_400_000)));
  if (input.done === "ONLY_DELIVERY") where.push(notInArray(orders.status, [...FINAL_STATUSES]));
  else if (input.done) where.push(inArray(orders.status, [...DONE_FILTERS[input.done]]));
  if (input.target) {
    const s = `%${escapeLike(input.target)}%`;
    where.push(or(sql`${orders.receiverCompany} ilike ${s}`, sql`${orders.receiverAddress} ilike ${s}`));
  }
  if (input.nameStarts) where.push(like(orders.number, `${escapeLike(input.nameStarts)}%`));
  if (input.nameContains) where.push(like(orders.number, `%${escapeLike(input.nameContains)}%`));
  const rows = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(...where))
    .orderBy(asc(orders.id))
    .limit(SEARCH_LIMIT + 1);
  const ids = rows.slice(0, SEARCH_LIMIT).map((r) => r.id);
  return { orders: await loadOrderDetails(ctx.db, companyId, ids), truncated: rows.length > SEARCH_LIMIT };
}

/** tracking: the latest order with that number or barcode among all the company's clients. */
export async function trackOrder(db: Queryable, companyId: number, numberOrBarcode: string) {
  const [row] = await db
    .select({
      number: orders.number,
      senderTown: orders.senderTown,
      receiverTown: orders.receiverTown,
      weight: orders.weight,
      quantity: orders.quantity,
      status: orders.status,
      statusAt: orders.statusAt,
    })
    .from(orders)
    .where(
      and(eq(orders.companyId, companyId), or(eq(orders.number, numberOrBarcode), eq(orders.barcode, numberOrBarcode))),
    )
    .orderBy(sql`${orders.year} desc, ${orders.id} desc`)
    .limit(1);
  return row ?? null;
}
