import { and, asc, count, eq, or } from "drizzle-orm";
import { branches, integrations, manifests, orders } from "@/db/schema";
import { integratorTitle } from "@/server/integrators/catalog";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { branchFieldsSchema, branchIdSchema, updateBranchSchema } from "./schemas";

const codeTaken = () => new ConflictError("Филиал с таким кодом уже есть", { code: ["Филиал с таким кодом уже есть"] });

export async function listBranches({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  return ctx.db.select().from(branches).where(eq(branches.companyId, ctx.actor.companyId)).orderBy(asc(branches.name));
}

export async function createBranch({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = branchFieldsSchema.parse(input);
  try {
    // Own transaction (a savepoint when nested) so a duplicate code does not abort the caller's transaction.
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx.insert(branches).values({ ...data, companyId: ctx.actor.companyId }).returning();
      return row!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw codeTaken();
    throw e;
  }
}

export async function updateBranch({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id, ...data } = updateBranchSchema.parse(input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .update(branches)
        .set(data)
        .where(and(eq(branches.companyId, ctx.actor.companyId), eq(branches.id, id)))
        .returning();
      if (rows.length === 0) throw new NotFoundError("Филиал");
      return rows[0]!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw codeTaken();
    throw e;
  }
}

export async function deleteBranch({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = branchIdSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const [b] = await tx.select({ id: branches.id }).from(branches).where(and(eq(branches.companyId, companyId), eq(branches.id, id))).for("update");
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
    const [{ n: nOrders } = { n: 0 }] = await tx.select({ n: count() }).from(orders).where(and(eq(orders.companyId, companyId), eq(orders.responsibleBranchId, id)));
    const [{ n: nManifests } = { n: 0 }] = await tx
      .select({ n: count() })
      .from(manifests)
      .where(and(eq(manifests.companyId, companyId), or(eq(manifests.responsibleBranchId, id), eq(manifests.creatingBranchId, id))));
    if (nOrders > 0 || nManifests > 0) {
      throw new ConflictError(`Филиал нельзя удалить: на него ссылаются заказы (${nOrders}) и манифесты (${nManifests})`);
    }
    await tx.delete(branches).where(and(eq(branches.companyId, companyId), eq(branches.id, id)));
    return { id };
  });
}
