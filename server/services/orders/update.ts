import { and, eq } from "drizzle-orm";
import { clients, orderItems, orderPackages, orders } from "@/db/schema";
import { getApiOrderRules } from "../api-settings";
import type { ServiceCall, ServiceContext } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { FIX_FIELDS } from "./create";
import { assertMayEdit } from "./lifecycle";
import { updateOrderSchema } from "./schemas";
import { orderScope } from "./scope";
import { type OrderDoor, validateOrder, withSenderFromClient } from "./validate";
import { itemRows, orderColumns, packageRows, recordOrderChanges } from "./write";

/** The cabinet's form (tRPC `orders.update`): staff may also move the order to another client. */
export async function updateOrder({ ctx, input }: ServiceCall<unknown>) {
  const parsed = updateOrderSchema.parse(input);
  return replaceOrder(ctx, parsed.id, parsed, "cabinet", parsed.clientId);
}

/** XML `editorder`: the order as a shop module sends it, under the API's rules. */
export async function editApiOrder({ ctx, input }: ServiceCall<{ id: number; order: unknown }>) {
  return replaceOrder(ctx, input.id, input.order, "api");
}

/** Replaces an order's fields, items and places while the lifecycle lets this actor edit it. */
async function replaceOrder(ctx: ServiceContext, id: number, raw: unknown, door: OrderDoor, newClientId?: number) {
  const companyId = ctx.actor.companyId;
  const [current] = await ctx.db
    .select({ clientId: orders.clientId })
    .from(orders)
    .where(and(orderScope(ctx), eq(orders.id, id)));
  if (!current) throw new NotFoundError("Заказ");
  let clientId = current.clientId;
  if (ctx.actor.type !== "client" && newClientId && newClientId !== clientId) {
    const [client] = await ctx.db
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.companyId, companyId), eq(clients.id, newClientId)));
    if (!client) throw new NotFoundError("Клиент", "clientId");
    clientId = client.id;
  }
  const order =
    door === "cabinet"
      ? await withSenderFromClient(ctx.db, companyId, clientId, raw as { sender?: Record<string, unknown> })
      : raw;
  const v = await validateOrder(ctx.db, order, await getApiOrderRules(ctx.db, companyId), door);
  if ("fieldErrors" in v) throw new ValidationError(FIX_FIELDS, v.fieldErrors);
  const data = v.data;

  return ctx.db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ id: orders.id, number: orders.number })
      .from(orders)
      .where(and(orderScope(ctx), eq(orders.id, id)))
      .for("update");
    if (!locked) throw new NotFoundError("Заказ");
    await assertMayEdit(tx, ctx.actor, locked.id);
    try {
      await tx
        .update(orders)
        .set({ ...orderColumns(data), clientId, number: data.number ?? locked.number, updatedAt: new Date() })
        .where(and(eq(orders.companyId, companyId), eq(orders.id, locked.id)));
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ConflictError("Заказ с таким номером уже есть в этом году", {
          number: ["Заказ с таким номером уже есть в этом году"],
        });
      throw e;
    }
    await tx.delete(orderItems).where(and(eq(orderItems.companyId, companyId), eq(orderItems.orderId, locked.id)));
    await tx
      .delete(orderPackages)
      .where(and(eq(orderPackages.companyId, companyId), eq(orderPackages.orderId, locked.id)));
    const items = itemRows(companyId, locked.id, data);
    const packages = packageRows(companyId, locked.id, data);
    if (items.length) await tx.insert(orderItems).values(items);
    if (packages.length) await tx.insert(orderPackages).values(packages);
    // Items and places live outside the order row, so its trigger may not see this edit; the feed must.
    await recordOrderChanges(tx, companyId, [locked.id]);
    return {
      id: locked.id,
      number: data.number ?? locked.number,
      codAmount: data.codAmount,
      deliveryPrice: data.deliveryPrice,
    };
  });
}
