import { and, desc, eq } from "drizzle-orm";
import { orders, orderStatusHistory } from "@/db/schema";
import type { ServiceCall } from "../context";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors";
import type { OrderRef } from "./cancel";
import { agentScope } from "./scope";
import { FINAL_STATUSES, ORDER_STATUSES } from "./statuses";
import { appendStatus, recordOrderChanges } from "./write";

export interface AgentStatusInput extends OrderRef {
  status?: string;
  eventTime?: Date;
  message?: string;
}

/**
 * A delivery partner reports on an order handed to it (`setorderinfo`): the partner signs in with its client account
 * at the order's company, and may touch only orders whose responsible branch is linked to that account.
 */
export async function setAgentOrderStatus({ ctx, input }: ServiceCall<AgentStatusInput>) {
  if (ctx.actor.type !== "client") throw new ForbiddenError("Статусы передаёт учётная запись партнёра");
  if (!input.id && !input.number) throw new ValidationError("Укажите код заказа", { ordercode: ["Укажите код заказа"] });
  if (input.status !== undefined && !(input.status in ORDER_STATUSES)) throw new ValidationError("Неизвестный статус", { status: ["Неизвестный статус"] });
  if (input.status !== undefined && !input.eventTime) throw new ValidationError("Укажите время события", { eventTime: ["Укажите время события"] });
  if (input.status === undefined && !input.message) throw new ValidationError("Нет ни статуса, ни сообщения", { status: ["Укажите статус или сообщение"] });
  const companyId = ctx.actor.companyId;
  const agentId = ctx.actor.clientId;
  return ctx.db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id, companyId: orders.companyId, number: orders.number, status: orders.status })
      .from(orders)
      .where(and(agentScope(tx, companyId, agentId), input.id ? eq(orders.id, input.id) : undefined, input.number ? eq(orders.number, input.number) : undefined))
      .orderBy(desc(orders.year), desc(orders.id))
      .limit(1)
      .for("update");
    if (!order) throw new NotFoundError("Заказ");
    const status = input.status ?? order.status;
    // A late non-final status (or a bare message) never reopens a final order: it goes into the history as
    // evidence while the final status stays current, as MeaSoft's «Исправлять ошибки последовательности статусов».
    const keepCurrent = input.status === undefined || (FINAL_STATUSES.has(order.status) && !FINAL_STATUSES.has(status));
    if (keepCurrent) {
      await tx.insert(orderStatusHistory).values({ orderId: order.id, companyId, status, eventTime: input.eventTime ?? new Date(), source: "agent", comment: input.message ?? null });
      await recordOrderChanges(tx, companyId, [order.id]);
    } else {
      await appendStatus(tx, order, status, "agent", input.eventTime!, input.message);
    }
    return { id: order.id, number: order.number, status: keepCurrent ? order.status : status, kept: keepCurrent && input.status !== undefined };
  });
}
