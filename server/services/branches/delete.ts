import { and, count, eq, or } from "drizzle-orm";
import { branches, integrations, manifests, orders } from "@/db/schema";
import { integratorTitle } from "@/server/integrators/catalog";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { branchIdSchema } from "./schemas";

export async function deleteBranch({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = branchIdSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const [b] = await tx
      .select({ id: branches.id })
      .from(branches)
      .where(and(eq(branches.companyId, companyId), eq(branches.id, id)))
      .for("update");
    if (!b) throw new NotFoundError("Филиал");
    // Orders routed to this branch would lose their partner: an active integration must be switched off first.
    const [active] = await tx
      .select({ integrator: integrations.integrator })
      .from(integrations)
      .where(and(eq(integrations.companyId, companyId), eq(integrations.branchId, id), eq(integrations.enabled, true)));
    if (active) {
      throw new ConflictError(
        `Филиал нельзя удалить: к нему подключена активная интеграция «${integratorTitle(active.integrator)}». Сначала выключите её на вкладке «Интеграция».`,
      );
    }
    const [{ n: nOrders } = { n: 0 }] = await tx
      .select({ n: count() })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), eq(orders.responsibleBranchId, id)));
    const [{ n: nManifests } = { n: 0 }] = await tx
      .select({ n: count() })
      .from(manifests)
      .where(
        and(
          eq(manifests.companyId, companyId),
          or(eq(manifests.responsibleBranchId, id), eq(manifests.creatingBranchId, id)),
        ),
      );
    if (nOrders > 0 || nManifests > 0) {
      throw new ConflictError(
        `Филиал нельзя удалить: на него ссылаются заказы (${nOrders}) и манифесты (${nManifests})`,
      );
    }
    await tx.delete(branches).where(and(eq(branches.companyId, companyId), eq(branches.id, id)));
    return { id };
  });
}
