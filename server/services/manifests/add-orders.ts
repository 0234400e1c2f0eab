import { and, eq, inArray, isNull, or } from "drizzle-orm";
import { orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, ServiceError, ValidationError } from "../errors";
import { MANIFEST_FINAL_REASON, mayJoinManifest } from "../orders/lifecycle";
import { statusTitle } from "../orders/statuses";
import { addOrdersSchema } from "./schemas";
import { lockManifest } from "./shared";

export async function addOrdersToManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = addOrdersSchema.parse(input);
  const companyId = ctx.actor.companyId;
  if (data.orderIds.length === 0 && data.numbers.length === 0)
    throw new ValidationError("Укажите заказы", { numbers: ["Укажите номера заказов"] });
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, data.manifestId);
    if (m.state !== "draft") throw new ConflictError("Заказы можно добавлять только в черновик манифеста");
    const found = await tx
      .select({
        id: orders.id,
        number: orders.number,
        barcode: orders.barcode,
        manifestId: orders.manifestId,
        status: orders.status,
      })
      .from(orders)
      .where(
        and(
          eq(orders.companyId, companyId),
          or(
            data.orderIds.length ? inArray(orders.id, data.orderIds) : undefined,
            data.numbers.length ? inArray(orders.number, data.numbers) : undefined,
            data.numbers.length ? inArray(orders.barcode, data.numbers) : undefined,
          ),
        ),
      )
      .for("update");
    const matched = new Set<string>();
    for (const o of found) {
      matched.add(String(o.id));
      matched.add(o.number);
      if (o.barcode) matched.add(o.barcode);
    }
    const notFound = [...data.orderIds.map(String), ...data.numbers].filter((k) => !matched.has(k));
    if (notFound.length)
      throw new ServiceError("NOT_FOUND", `Не найдены заказы: ${notFound.slice(0, 10).join(", ")}`, {
        numbers: [`Не найдены: ${notFound.slice(0, 10).join(", ")}`],
      });
    // In number order: the message reads the same whichever plan PostgreSQL picked for the lookup.
    const closed = found.filter((o) => !mayJoinManifest(o.status)).sort((a, b) => a.number.localeCompare(b.number));
    if (closed.length) {
      const list = closed
        .slice(0, 10)
        .map((o) => `${o.number} (${statusTitle(o.status)})`)
        .join(", ");
      throw new ConflictError(
        `${MANIFEST_FINAL_REASON}: ${list}`,
        data.numbers.length ? { numbers: [`В финальном статусе или отменены: ${list}`] } : undefined,
      );
    }
    const elsewhere = found.filter((o) => o.manifestId !== null && o.manifestId !== m.id);
    if (elsewhere.length)
      throw new ConflictError(
        `Заказы уже в другом манифесте: ${elsewhere
          .slice(0, 10)
          .map((o) => o.number)
          .join(", ")}`,
      );
    const ids = found.filter((o) => o.manifestId === null).map((o) => o.id);
    if (ids.length) {
      await tx
        .update(orders)
        .set({ manifestId: m.id, updatedAt: new Date() })
        .where(and(eq(orders.companyId, companyId), inArray(orders.id, ids), isNull(orders.manifestId)));
    }
    return { added: ids.length };
  });
}
