import { and, desc, eq, gt, gte, inArray, isNull, like, lt, or, sql, type SQL } from "drizzle-orm";
import { branches, clients, orders, transfers } from "@/db/schema";
import type { ServiceCall, ServiceContext } from "../context";
import { mayJoinManifestSql } from "./lifecycle";
import { type OrderFilter, listOrdersSchema, type ListOrdersInput } from "./schemas";
import { orderScope } from "./scope";
import { FINAL_STATUSES, ORDER_STATUS_CODES } from "./statuses";

/** Hand-over states the dashboard counts as «ждут у партнёров» and «ошибки передачи»; the list filters by the same. */
export const TRANSFER_WAITING_STATES = ["waiting", "pending", "sending", "submitted"] as const;
export const TRANSFER_FAILED_STATES = ["failed"] as const;
/** Listed rather than negated so the (company, status) index serves the COD-to-collect filter. */
export const NOT_FINAL_STATUSES = ORDER_STATUS_CODES.filter((s) => !FINAL_STATUSES.has(s));

/**
 * The list's filter as SQL, within the caller's scope: the list and its bulk actions («все по фильтру») select the
 * same orders. Reads `clients` (join it on `orders.client_id`).
 */
export function orderFilterWhere(ctx: ServiceContext, q: OrderFilter): SQL {
  const where: (SQL | undefined)[] = [orderScope(ctx)];
  if (q.status) where.push(eq(orders.status, q.status));
  if (q.clientId) where.push(eq(orders.clientId, q.clientId));
  if (q.manifestId) where.push(eq(orders.manifestId, q.manifestId));
  if (q.withoutManifest || q.forManifest) where.push(isNull(orders.manifestId));
  if (q.forManifest) where.push(mayJoinManifestSql());
  if (q.received) where.push(eq(clients.kind, "courier"));
  if (q.dateFrom) where.push(gte(orders.createdAt, new Date(`${q.dateFrom}T00:00:00`)));
  if (q.dateTo) where.push(lt(orders.createdAt, new Date(new Date(`${q.dateTo}T00:00:00`).getTime() + 86_400_000)));
  if (q.transfer) {
    const states = q.transfer === "failed" ? TRANSFER_FAILED_STATES : TRANSFER_WAITING_STATES;
    where.push(
      sql`exists (select 1 from ${transfers} where ${transfers.orderId} = ${orders.id} and ${transfers.companyId} = ${orders.companyId} and ${inArray(transfers.state, [...states])})`,
    );
  }
  if (q.codPending) where.push(and(gt(orders.codAmount, "0"), inArray(orders.status, NOT_FINAL_STATUSES)));
  if (q.search) {
    const s = q.search.replace(/[\\%_]/g, (c) => `\\${c}`);
    where.push(or(like(orders.number, `${s}%`), eq(orders.barcode, q.search)));
  }
  return and(...where)!;
}

/** Keyset pagination on (company, id desc): the page cost does not grow with the table or the page number. */
export async function listOrders({ ctx, input }: ServiceCall<ListOrdersInput>) {
  const q = listOrdersSchema.parse(input);
  const where: (SQL | undefined)[] = [orderFilterWhere(ctx, q)];
  if (q.cursor) where.push(lt(orders.id, q.cursor));

  const rows = await ctx.db
    .select({
      id: orders.id,
      number: orders.number,
      barcode: orders.barcode,
      createdAt: orders.createdAt,
      status: orders.status,
      statusAt: orders.statusAt,
      clientId: orders.clientId,
      clientName: clients.name,
      clientCurrency: clients.currency,
      receiverPerson: orders.receiverPerson,
      receiverCompany: orders.receiverCompany,
      receiverTown: orders.receiverTown,
      receiverAddress: orders.receiverAddress,
      weight: orders.weight,
      codAmount: orders.codAmount,
      responsibleBranchName: branches.name,
      manifestId: orders.manifestId,
    })
    .from(orders)
    .innerJoin(clients, eq(clients.id, orders.clientId))
    .leftJoin(branches, eq(branches.id, orders.responsibleBranchId))
    .where(and(...where))
    .orderBy(desc(orders.id))
    .limit(q.limit + 1);

  const hasMore = rows.length > q.limit;
  const page = hasMore ? rows.slice(0, q.limit) : rows;
  return { items: page, nextCursor: hasMore ? page[page.length - 1]!.id : null };
}
