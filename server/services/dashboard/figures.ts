import { and, count, eq, gte, inArray, sql, sum } from "drizzle-orm";
import { clients, integrations, orders, transfers } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { orderFilterWhere, TRANSFER_FAILED_STATES, TRANSFER_WAITING_STATES } from "../orders/list";
import type { OrderFilter } from "../orders/schemas";
import { statusTitle } from "../orders/statuses";
import { CHART_DAYS, localIsoDate, ordersHref } from "./links";

export interface DashboardCard {
  count: number;
  filter: OrderFilter;
  href: string;
}

export interface DashboardFigures {
  today: string;
  todayTotal: DashboardCard;
  todayByStatus: (DashboardCard & { status: string; title: string })[];
  waitingAtPartners: DashboardCard;
  failedTransfers: DashboardCard;
  /** Per currency of the clients: sums of different currencies are never added up. */
  codPending: { currency: string; amount: string; count: number; href: string }[];
  codPendingFilter: OrderFilter;
  perDay: { date: string; count: number; href: string }[];
}

const card = (n: number, filter: OrderFilter): DashboardCard => ({ count: n, filter, href: ordersHref(filter) });

/** The moment the figures are for: today and the chart's first day, cut in the server's time zone as the list cuts them. */
export function dashboardDates(now = new Date()) {
  return {
    today: localIsoDate(now),
    firstDay: new Date(now.getFullYear(), now.getMonth(), now.getDate() - (CHART_DAYS - 1)),
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

const TODAY_FILTER = (today: string): OrderFilter => ({ dateFrom: today, dateTo: today });
const COD_FILTER: OrderFilter = { codPending: true };

/**
 * The four aggregates, each over an existing index: today's orders by (company, created_at), hand-overs by
 * (integration, state, …) — driven from the company's integrations so the few open ones are found without reading
 * the sent ones — COD to collect by (company, status), the chart by (company, created_at). Built here, awaited by
 * `getDashboard` (and explained by `bench/dashboard.ts`). The cards' filters are the order list's own
 * (`orderFilterWhere`), so a card's number and the list it opens count the same orders.
 */
export function dashboardQueries(db: Queryable, ctx: ServiceContext, d: ReturnType<typeof dashboardDates>) {
  const companyId = ctx.actor.companyId;
  const companyIntegrations = db
    .select({ id: integrations.id })
    .from(integrations)
    .where(eq(integrations.companyId, companyId));
  const countOrders = (states: readonly (typeof transfers.$inferSelect.state)[]) =>
    sql<number>`count(distinct ${transfers.orderId}) filter (where ${inArray(transfers.state, [...states])})`.mapWith(
      Number,
    );
  const day = sql<string>`to_char(${orders.createdAt} at time zone ${d.tz}, 'YYYY-MM-DD')`;
  return {
    byStatus: db
      .select({ status: orders.status, n: count() })
      .from(orders)
      .innerJoin(clients, eq(clients.id, orders.clientId))
      .where(orderFilterWhere(ctx, TODAY_FILTER(d.today)))
      .groupBy(orders.status),
    handovers: db
      .select({ waiting: countOrders(TRANSFER_WAITING_STATES), failed: countOrders(TRANSFER_FAILED_STATES) })
      .from(transfers)
      .where(
        and(
          eq(transfers.companyId, companyId),
          inArray(transfers.integrationId, companyIntegrations),
          inArray(transfers.state, [...TRANSFER_WAITING_STATES, ...TRANSFER_FAILED_STATES]),
        ),
      ),
    cod: db
      .select({ currency: clients.currency, amount: sum(orders.codAmount), n: count() })
      .from(orders)
      .innerJoin(clients, eq(clients.id, orders.clientId))
      .where(orderFilterWhere(ctx, COD_FILTER))
      .groupBy(clients.currency)
      .orderBy(clients.currency),
    days: db
      .select({ date: day, n: count() })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), gte(orders.createdAt, d.firstDay)))
      // By position: the time zone is a parameter, and two parameters never count as the same expression.
      .groupBy(sql`1`),
  };
}

/** The staff start page's figures (a client account is refused). */
export async function getDashboard({ ctx }: ServiceCall<unknown>): Promise<DashboardFigures> {
  assertStaff(ctx);
  const d = dashboardDates();
  const { today, firstDay } = d;
  const todayFilter = TODAY_FILTER(today);
  const codFilter = COD_FILTER;

  return ctx.db.transaction(async (tx) => {
    const q = dashboardQueries(tx, ctx, d);
    const byStatus = await q.byStatus;
    const [handovers] = await q.handovers;
    const cod = await q.cod;
    const days = await q.days;

    const perDayCount = new Map(days.map((d) => [d.date, d.n]));
    const perDay = Array.from({ length: CHART_DAYS }, (_, i) => {
      const date = localIsoDate(new Date(firstDay.getFullYear(), firstDay.getMonth(), firstDay.getDate() + i));
      return { date, count: perDayCount.get(date) ?? 0, href: ordersHref({ dateFrom: date, dateTo: date }) };
    });

    return {
      today,
      todayTotal: card(
        byStatus.reduce((s, r) => s + r.n, 0),
        todayFilter,
      ),
      todayByStatus: byStatus
        .map((r) => ({
          ...card(r.n, { ...todayFilter, status: r.status as OrderFilter["status"] }),
          status: r.status,
          title: statusTitle(r.status),
        }))
        .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title, "ru")),
      waitingAtPartners: card(handovers?.waiting ?? 0, { transfer: "waiting" }),
      failedTransfers: card(handovers?.failed ?? 0, { transfer: "failed" }),
      codPending: cod.map((r) => ({
        currency: r.currency,
        amount: r.amount ?? "0",
        count: r.n,
        href: ordersHref(codFilter),
      })),
      codPendingFilter: codFilter,
      perDay,
    };
  });
}
