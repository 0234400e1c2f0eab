import { and, asc, desc, eq, ne } from "drizzle-orm";
import {
  branches,
  clients,
  companies,
  manifests,
  orderItems,
  orderPackages,
  orders,
  orderStatusHistory,
  paymentExports,
  transfers,
} from "@/db/schema";
import type { ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { loadLifecycleFacts, orderRules } from "./lifecycle";
import { orderScope } from "./scope";
import { trackingUrl } from "../tracking";

export async function getOrder({ ctx, input }: ServiceCall<{ id: number }>) {
  const companyId = ctx.actor.companyId;
  const [row] = await ctx.db
    .select({
      order: orders,
      clientName: clients.name,
      clientCurrency: clients.currency,
      branchName: branches.name,
      manifestNumber: manifests.number,
    })
    .from(orders)
    .innerJoin(clients, eq(clients.id, orders.clientId))
    .leftJoin(branches, eq(branches.id, orders.responsibleBranchId))
    .leftJoin(manifests, eq(manifests.id, orders.manifestId))
    .where(and(orderScope(ctx), eq(orders.id, input.id)));
  if (!row) throw new NotFoundError("Заказ");
  const [items, packages, history, facts, cancels, payments, company] = await Promise.all([
    ctx.db
      .select()
      .from(orderItems)
      .where(and(eq(orderItems.companyId, companyId), eq(orderItems.orderId, input.id)))
      .orderBy(asc(orderItems.id)),
    ctx.db
      .select()
      .from(orderPackages)
      .where(and(eq(orderPackages.companyId, companyId), eq(orderPackages.orderId, input.id)))
      .orderBy(asc(orderPackages.id)),
    ctx.db
      .select()
      .from(orderStatusHistory)
      .where(and(eq(orderStatusHistory.companyId, companyId), eq(orderStatusHistory.orderId, input.id)))
      .orderBy(asc(orderStatusHistory.id)),
    loadLifecycleFacts(ctx.db, companyId, [input.id]),
    ctx.db
      .select({ state: transfers.cancelState, message: transfers.cancelMessage })
      .from(transfers)
      .where(
        and(eq(transfers.companyId, companyId), eq(transfers.orderId, input.id), ne(transfers.cancelState, "none")),
      )
      .orderBy(desc(transfers.updatedAt))
      .limit(1),
    ctx.db
      .select({
        sent: paymentExports.fingerprint,
        pushedStatus: paymentExports.pushedStatus,
        pushedAt: paymentExports.pushedAt,
        error: paymentExports.error,
        nextAt: paymentExports.nextAt,
      })
      .from(paymentExports)
      .where(and(eq(paymentExports.companyId, companyId), eq(paymentExports.orderId, input.id))),
    ctx.db.select({ extra: companies.extraCode }).from(companies).where(eq(companies.id, companyId)),
  ]);
  // The rules come from the lifecycle, so the card shows what the server will allow (and why not) without recomputing.
  const rules = orderRules(ctx.actor, facts.get(input.id)!);
  const cancellation = cancels[0]
    ? { state: cancels[0].state as "pending" | "done" | "failed", message: cancels[0].message }
    : null;
  const { agentPrice, ...order } = row.order;
  return {
    ...order,
    /** «Агентская цена»: what the partner charged the company for the order, its own figure (hidden from clients). */
    agentPrice: ctx.actor.type === "client" ? null : agentPrice,
    clientName: row.clientName,
    clientCurrency: row.clientCurrency,
    responsibleBranchName: row.branchName,
    manifestNumber: row.manifestNumber,
    items,
    packages,
    history,
    ...rules,
    /** A cancellation requested at a partner: its state and the partner's answer. */
    cancellation,
    /** The public tracking page, when this deployment has a public address (PUBLIC_URL). */
    trackingUrl: company[0] ? trackingUrl(company[0].extra, row.order.barcode?.trim() || row.order.number) : null,
    /** The COD data at the payment intermediary (PimPay): sent, last status sent, or why not (staff only). */
    payment:
      ctx.actor.type === "client" || !payments[0]
        ? null
        : {
            sent: payments[0].sent !== null,
            pushedStatus: payments[0].pushedStatus,
            pushedAt: payments[0].pushedAt,
            error: payments[0].error,
            nextAt: payments[0].nextAt,
          },
  };
}
