import { and, eq } from "drizzle-orm";
import { orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { removeOrderSchema } from "./schemas";
import { lockManifest } from "./shared";

export async function removeOrderFromManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = removeOrderSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, data.manifestId);
    if (m.state !== "draft") throw new ConflictError("Заказы можно убирать только из черновика манифеста");
    const removed = await tx
      .update(orders)
      .set({ manifestId: null, updatedAt: new Date() })
      .where(and(eq(orders.companyId, companyId), eq(orders.id, data.orderId), eq(orders.manifestId, m.id)))
      .returning({ id: orders.id });
    if (removed.length === 0) throw new NotFoundError("Заказ");
    return { removed: 1 };
  });
}
