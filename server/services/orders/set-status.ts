import { and, eq } from "drizzle-orm";
import { orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { setOrderStatusSchema } from "./schemas";
import { appendStatus } from "./write";

/** A courier company's staff move an order through MeaSoft's statuses; each change is kept in the history. */
export async function setOrderStatus({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = setOrderStatusSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id, companyId: orders.companyId })
      .from(orders)
      .where(and(eq(orders.companyId, ctx.actor.companyId), eq(orders.id, data.id)))
      .for("update");
    if (!order) throw new NotFoundError("Заказ");
    await appendStatus(tx, order, data.status, "cabinet", data.eventTime ?? new Date(), data.comment);
    return { id: order.id, status: data.status };
  });
}
