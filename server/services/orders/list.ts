import { type AnyColumn, and, asc, desc, eq, gt, gte, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { branches, clients, orders, receiverSortKey, transfers } from "@/db/schema";
import type { ServiceCall, ServiceContext } from "../context";
import { mayJoinManifestSql } from "./lifecycle";
import { type OrderFilter, type OrderSort, listOrdersSchema, type ListOrdersInput } from "./schemas";
import { searchCondition } from "./search";
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
  if (q.search) where.push(searchCondition(q.search, q.searchKind));
  return and(...where)!;
}

/** Exact counting stops here: beyond it the list says «больше 10 000» (counting a million matches is a scan). */
export const COUNT_CAP = 10_000;
/**
 * A text search counts to 2,000 only: each match is a row read and rechecked (not an index-only step), and a search
 * that finds more than that is one to narrow, not to page through.
 */
export const SEARCH_COUNT_CAP = 2_000;
/** Rows of the sort index read per step when a frequent search walks the list in its order (see walkPage). */
const WALK_WINDOW = 5_000;
/** Steps a walk takes before it gives way to the trigram index: past them the matches are too sparse to walk to. */
const WALK_STEPS = 1;

type SortKeyColumns = Record<"createdAt" | "number" | "status" | "codAmount", AnyColumn> &
  Parameters<typeof receiverSortKey>[0];

/** The sorted column's value; each has an index (company, value, id) in db/schema/orders.ts. */
function sortKey(t: SortKeyColumns, sort: OrderSort): SQL | AnyColumn {
  switch (sort) {
    case "created":
      return t.createdAt;
    case "number":
      return t.number;
    case "status":
      return t.status;
    case "receiver":
      return receiverSortKey(t);
    case "cod":
      return t.codAmount;
  }
}

export interface OrderPageQuery {
  filter: OrderFilter;
  sort: OrderSort;
  dir: "asc" | "desc";
  cursor?: number;
  limit: number;
}

/** (sorted value, id) after the cursor row, read within the caller's scope (another company's id starts nothing). */
function afterCursor(ctx: ServiceContext, p: Pick<OrderPageQuery, "sort" | "dir">, cursor: number): SQL {
  const k = alias(orders, "k");
  const scope = ctx.actor.type === "client" ? eq(k.clientId, ctx.actor.clientId) : undefined;
  const after = sql`(select ${sortKey(k, p.sort)}, ${k.id} from ${orders} as "k" where ${and(eq(k.id, cursor), eq(k.companyId, ctx.actor.companyId), scope)})`;
  const key = sortKey(orders, p.sort);
  return p.dir === "desc" ? sql`(${key}, ${orders.id}) < ${after}` : sql`(${key}, ${orders.id}) > ${after}`;
}

/** `id = any('{…}'::bigint[])`: one parameter, however many ids. */
const idIn = (ids: number[]) => sql`${orders.id} = any(${`{${ids.join(",")}}`}::bigint[])`;

const ordering = (p: Pick<OrderPageQuery, "sort" | "dir">) => {
  const key = sortKey(orders, p.sort);
  return p.dir === "desc" ? [desc(key), desc(orders.id)] : [asc(key), asc(orders.id)];
};

function selectRows(ctx: ServiceContext, where: SQL, p: Pick<OrderPageQuery, "sort" | "dir">, limit: number) {
  return ctx.db
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
      receiverPhone: orders.receiverPhone,
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
    .where(where)
    .orderBy(...ordering(p))
    .limit(limit);
}

export type OrderRow = Awaited<ReturnType<typeof selectRows>>[number];

/** One page in the list's order: (sorted value, id) in the chosen direction, after the cursor row. */
export function orderPage(ctx: ServiceContext, p: OrderPageQuery): Promise<OrderRow[]> {
  const where = and(orderFilterWhere(ctx, p.filter), p.cursor ? afterCursor(ctx, p, p.cursor) : undefined)!;
  return selectRows(ctx, where, p, p.limit);
}

/**
 * A search that matches more than SEARCH_COUNT_CAP orders: the list's order is walked on its index, a window of rows
 * at a time, and each window is searched by id — a frequent word («Иванова») fills its page in the first window, where
 * reading all its matches through the trigram index and sorting them would take long. When a few windows do not fill
 * the page the matches are sparse (a few thousand in the million) and the trigram index is the quicker way: null.
 */
async function walkPage(ctx: ServiceContext, p: OrderPageQuery): Promise<{ rows: OrderRow[]; next: number } | null> {
  const { search, searchKind, ...rest } = p.filter;
  const plain = orderFilterWhere(ctx, rest);
  const found: OrderRow[] = [];
  let cursor = p.cursor;
  for (let step = 0; step < WALK_STEPS; step++) {
    let window = ctx.db.select({ id: orders.id }).from(orders).$dynamic();
    if (p.filter.received) window = window.innerJoin(clients, eq(clients.id, orders.clientId));
    const ids = (
      await window
        .where(and(plain, cursor ? afterCursor(ctx, p, cursor) : undefined))
        .orderBy(...ordering(p))
        .limit(WALK_WINDOW)
    ).map((r) => r.id);
    if (ids.length < WALK_WINDOW) return null; // the end is near: one indexed page finishes it
    const hits = await selectRows(
      ctx,
      and(idIn(ids), searchCondition(search!, searchKind))!,
      p,
      p.limit - found.length,
    );
    found.push(...hits);
    if (found.length === p.limit) return { rows: found, next: found[found.length - 1]!.id };
    cursor = ids[ids.length - 1]!;
  }
  return null;
}

/** How many orders the filter selects, counted up to `cap` + 1 (so «more than the cap» is known, not a guess). */
export async function countOrders(
  ctx: ServiceContext,
  filter: OrderFilter,
  cap = filter.search ? SEARCH_COUNT_CAP : COUNT_CAP,
) {
  // Without the clients join unless the filter reads clients: the count stays an index-only walk.
  let matches = ctx.db
    .select({ one: sql`1` })
    .from(orders)
    .$dynamic();
  if (filter.received) matches = matches.innerJoin(clients, eq(clients.id, orders.clientId));
  const capped = matches
    .where(orderFilterWhere(ctx, filter))
    .limit(cap + 1)
    .as("capped");
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(capped);
  const n = row?.n ?? 0;
  return { count: Math.min(n, cap), more: n > cap };
}

/**
 * The filter's matches after the cursor, up to `max` of them in no order (with a text search PostgreSQL reads them off
 * the trigram index, each row once): how many there are, and the ids of the first page of them in the list's order.
 */
async function topMatches(ctx: ServiceContext, p: OrderPageQuery, max: number) {
  let inner = ctx.db
    .select({ id: orders.id, k: sql`${sortKey(orders, p.sort)}`.as("k") })
    .from(orders)
    .$dynamic();
  if (p.filter.received) inner = inner.innerJoin(clients, eq(clients.id, orders.clientId));
  const m = inner
    .where(and(orderFilterWhere(ctx, p.filter), p.cursor ? afterCursor(ctx, p, p.cursor) : undefined))
    .limit(max)
    .as("m");
  const by = p.dir === "desc" ? desc : asc;
  const rows = await ctx.db
    .select({ id: m.id, n: sql<number>`(count(*) over ())::int` })
    .from(m)
    .orderBy(by(m.k), by(m.id))
    .limit(p.limit + 1);
  return { n: rows[0]?.n ?? 0, ids: rows.map((r) => r.id) };
}

/** The page of `ids` (the first limit + 1 of the page, already filtered and scoped), read by primary key. */
async function pageOfIds(ctx: ServiceContext, ids: number[], p: OrderPageQuery) {
  const rows = await selectRows(ctx, idIn(ids), p, p.limit + 1);
  const hasMore = rows.length > p.limit;
  const page = hasMore ? rows.slice(0, p.limit) : rows;
  return { rows: page, next: hasMore ? page[page.length - 1]!.id : null };
}

/** Sparse matches of a frequent search are sorted from their ids up to this many; past it the planner decides. */
const SPARSE_MAX = 20_000;

/**
 * A text search's page. Its matches are first read off the trigram index, up to SEARCH_COUNT_CAP + 1 — that is the
 * count — and when they are fewer the page is the first of them in the list's order. (Left to itself the planner,
 * which cannot tell how many rows «%7646%» matches, often walks the whole list instead.) A frequent search walks the
 * list's order (walkPage), and one too sparse to walk to is sorted from up to SPARSE_MAX matches.
 */
async function searchPage(ctx: ServiceContext, p: OrderPageQuery) {
  const first = await topMatches(ctx, p, SEARCH_COUNT_CAP + 1);
  const total = { count: Math.min(first.n, SEARCH_COUNT_CAP), more: first.n > SEARCH_COUNT_CAP };
  if (!total.more) return { ...(await pageOfIds(ctx, first.ids, p)), total };
  const walked = await walkPage(ctx, p);
  if (walked) return { ...walked, total };
  const sparse = await topMatches(ctx, p, SPARSE_MAX + 1);
  if (sparse.n <= SPARSE_MAX) return { ...(await pageOfIds(ctx, sparse.ids, p)), total };
  const rows = await orderPage(ctx, { ...p, limit: p.limit + 1 });
  const page = rows.slice(0, p.limit);
  return { rows: page, next: rows.length > p.limit ? page[page.length - 1]!.id : null, total };
}

/**
 * Keyset pagination on (sorted value, id): the page cost does not grow with the table or the page number. The first
 * page also carries the total (capped: COUNT_CAP, SEARCH_COUNT_CAP for a text search); later pages do not count again.
 */
export async function listOrders({ ctx, input }: ServiceCall<ListOrdersInput>) {
  const { sort, dir, cursor, limit, ...filter } = listOrdersSchema.parse(input);
  if (filter.search) {
    const r = await searchPage(ctx, { filter, sort, dir, cursor, limit });
    return { items: r.rows, nextCursor: r.next, total: cursor ? null : r.total };
  }
  const total = cursor ? null : await countOrders(ctx, filter);
  const rows = await orderPage(ctx, { filter, sort, dir, cursor, limit: limit + 1 });
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  return { items: page, nextCursor: hasMore ? page[page.length - 1]!.id : null, total };
}
