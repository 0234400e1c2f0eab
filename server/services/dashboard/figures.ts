import { and, count, eq, gte, inArray, sql, sum } from "drizzle-orm";
import { clients, integrations, orders, transfers } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
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

/**
 * The staff start page's figures in a few aggregates, each over an index: today's orders by (company, created_at),
 * hand-overs by (integration, state), COD to collect by (company, status). The cards' filters are the order list's own
 * (`orderFilterWhere`), so a card's number and the list it opens count the same orders.
 */
export async function getDashboard({ ctx }: ServiceCall<unknown>): Promise<DashboardFigures> {
  assertStaff(ctx);
  const companyId = ctx.actor.companyId;
  const now = new Date();
  const today = localIsoDate(now);
  const firstDay = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (CHART_DAYS - 1));
  // Days are cut in the server's time zone, as the list's from/to filter cuts them.
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const todayFilter: OrderFilter = { dateFrom: today, dateTo: today };
  const codFilter: OrderFilter = { codPending: true };

  return ctx.db.transaction(async (tx) => {
    const byStatus = await tx
      .select({ status: orders.status, n: count() })
      .from(orders)
      .innerJoin(clients, eq(clients.id, orders.clientId))
      .where(orderFilterWhere(ctx, todayFilter))
      .groupBy(orders.status);

    // Driven from the company's integrations so the (integration, state, …) index finds the few open hand-overs.
    const companyIntegrations = tx
      .select({ id: integrations.id })
      .from(integrations)
      .where(eq(integrations.companyId, companyId));
    const [handovers] = await tx
      .select({
        waiting:
          sql<number>`count(distinct ${transfers.orderId}) filter (where ${inArray(transfers.state, [...TRANSFER_WAITING_STATES])})`.mapWith(
            Number,
          ),
        failed:
          sql<number>`count(distinct ${transfers.orderId}) filter (where ${inArray(transfers.state, [...TRANSFER_FAILED_STATES])})`.mapWith(
            Number,
          ),
      })
      .from(transfers)
      .where(
        and(
          eq(transfers.companyId, companyId),
          inArray(transfers.integrationId, companyIntegrations),
          inArray(transfers.state, [...TRANSFER_WAITING_STATES, ...TRANSFER_FAILED_STATES]),
        ),
      );

    const cod = await tx
      .select({ currency: clients.currency, amount: sum(orders.codAmount), n: count() })
      .from(orders)
      .innerJoin(clients, eq(clients.id, orders.clientId))
      .where(orderFilterWhere(ctx, codFilter))
      .groupBy(clients.currency)
      .orderBy(clients.currency);

    const day = sql<string>`to_char(${orders.createdAt} at time zone ${tz}, 'YYYY-MM-DD')`;
    const days = await tx
      .select({ date: day, n: count() })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), gte(orders.createdAt, firstDay)))
      // By position: the time zone is a parameter, and two parameters never count as the same expression.
      .groupBy(sql`1`);

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
