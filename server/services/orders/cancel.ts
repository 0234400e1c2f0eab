import { and, desc, eq } from "drizzle-orm";
import { orders } from "@/db/schema";
import type { ServiceCall } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { orderScope } from "./scope";
import { EDITABLE_STATUSES, FINAL_STATUSES } from "./statuses";
import { appendStatus, type StatusSourceCode } from "./write";

export interface OrderRef {
  /** Internal code (MeaSoft «ordercode»). */
  id?: number;
  /** Client's number; the latest order with it when numbers repeat across years. */
  number?: string;
}

/**
 * Cancels an order at its sender's request: status CANCELED, «Отменён клиентом», dated now. A client may cancel only
 * before the courier company starts working the order; cancelling an already cancelled order changes nothing.
 */
export async function cancelOrder({ ctx, input }: ServiceCall<OrderRef & { source?: StatusSourceCode }>) {
  if (!input.id && !input.number) throw new ValidationError("Укажите номер заказа", { number: ["Укажите номер заказа"] });
  return ctx.db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id, companyId: orders.companyId, number: orders.number, status: orders.status })
      .from(orders)
      .where(and(orderScope(ctx), input.id ? eq(orders.id, input.id) : undefined, input.number ? eq(orders.number, input.number) : undefined))
      .orderBy(desc(orders.year), desc(orders.id))
      .limit(1)
      .for("update");
    if (!order) throw new NotFoundError("Заказ");
    if (order.status === "CANCELED") return { id: order.id, number: order.number, alreadyCanceled: true };
    const cancellable = ctx.actor.type === "client" ? EDITABLE_STATUSES.has(order.status) : !FINAL_STATUSES.has(order.status);
    if (!cancellable) throw new ConflictError("Заказ уже в работе и не может быть отменён");
    await appendStatus(tx, order, "CANCELED", input.source ?? "cabinet", new Date(), "Отменён клиентом");
    return { id: order.id, number: order.number, alreadyCanceled: false };
  });
}

/** The id of the order a client names by code or number (the latest one with that number), within its scope. */
export async function resolveOrderId({ ctx, input }: ServiceCall<OrderRef>): Promise<number> {
  if (!input.id && !input.number) throw new NotFoundError("Заказ");
  const [order] = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(orderScope(ctx), input.id ? eq(orders.id, input.id) : undefined, input.number ? eq(orders.number, input.number) : undefined))
    .orderBy(desc(orders.year), desc(orders.id))
    .limit(1);
  if (!order) throw new NotFoundError("Заказ");
  return order.id;
}
