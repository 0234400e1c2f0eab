import { eq, sql } from "drizzle-orm";
import { integrations } from "@/db/schema";
import { holdPendingTransfers, releaseWaitingTransfers } from "../exchange/queue";
import { assertStaff, type ServiceCall } from "../context";
import { setIntegrationEnabledSchema } from "./schemas";
import { requireIntegration, writeAudit } from "./shared";

/** Switches a branch's integration off (exchange stops, the branch may be deleted) or back on. */
export async function setIntegrationEnabled({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { branchId, enabled } = setIntegrationEnabledSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const actor = ctx.actor;
  return ctx.db.transaction(async (tx) => {
    const row = await requireIntegration(tx, companyId, branchId, true);
    if (row.enabled === enabled) return { id: row.id, enabled, changed: false };
    await tx
      .update(integrations)
      .set({ enabled, updatedAt: sql`now()` })
      .where(eq(integrations.id, row.id));
    if (enabled) await releaseWaitingTransfers(tx, companyId, row.id);
    else await holdPendingTransfers(tx, companyId, row.id);
    await writeAudit(tx, actor, {
      branchId,
      integrationId: row.id,
      integrator: row.integrator,
      action: enabled ? "enabled" : "disabled",
      fields: ["enabled"],
    });
    return { id: row.id, enabled, changed: true };
  });
}
