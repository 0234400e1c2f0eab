import { and, asc, eq } from "drizzle-orm";
import { branches, clients, integrations } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { integrationLabel } from "./get";

/** The company's CDEK integrations, for choosing whose registry is loaded. */
export async function listCdekIntegrations({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const rows = await ctx.db
    .select({
      id: integrations.id,
      enabled: integrations.enabled,
      ownerKind: integrations.ownerKind,
      branchName: branches.name,
      clientName: clients.name,
    })
    .from(integrations)
    .leftJoin(branches, eq(branches.id, integrations.branchId))
    .leftJoin(clients, eq(clients.id, integrations.clientId))
    .where(and(eq(integrations.companyId, ctx.actor.companyId), eq(integrations.integrator, "cdek")))
    .orderBy(asc(integrations.id));
  return rows.map((r) => ({ id: r.id, enabled: r.enabled, label: integrationLabel(r)! }));
}
