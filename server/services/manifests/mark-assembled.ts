import { and, count, eq } from "drizzle-orm";
import { manifests, orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError } from "../errors";
import { manifestIdSchema } from "./schemas";
import { lockManifest } from "./shared";

export async function markManifestAssembled({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = manifestIdSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, id);
    if (m.state !== "draft") throw new ConflictError("Манифест уже скомплектован");
    const [{ n } = { n: 0 }] = await tx
      .select({ n: count() })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), eq(orders.manifestId, id)));
    if (n === 0) throw new ConflictError("В манифесте нет заказов");
    await tx
      .update(manifests)
      .set({ state: "assembled", updatedAt: new Date() })
      .where(and(eq(manifests.companyId, companyId), eq(manifests.id, id)));
    return { id, state: "assembled" as const };
  });
}
