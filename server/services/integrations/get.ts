import { and, desc, eq } from "drizzle-orm";
import { integrationAudit } from "@/db/schema";
import { integratorTitle } from "@/server/integrators/catalog";
import { assertStaff, type ServiceCall } from "../context";
import { branchRefSchema, type AuditAction, type HealthStatus } from "./schemas";
import { openSecrets, secretsContext } from "../security/secret-box";
import { selfApiUrl } from "../exchange/addresses";
import { findBranch, findIntegration } from "./shared";

/**
 * One branch's integration for the settings dialog. Secrets are write-only: only the *names* of stored secret fields
 * leave the server, never a value or the encrypted blob.
 */
export async function getIntegration({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { branchId } = branchRefSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const branch = await findBranch(ctx.db, companyId, branchId);
  const row = await findIntegration(ctx.db, companyId, branchId);
  const secretsSet = row?.secrets
    ? Object.keys(openSecrets(row.secrets, secretsContext(companyId, branchId))).sort()
    : [];
  return {
    branch,
    selfApiUrl: selfApiUrl(),
    integration: row
      ? {
          id: row.id,
          integrator: row.integrator,
          integratorTitle: integratorTitle(row.integrator),
          enabled: row.enabled,
          settings: row.settings,
          secretsSet,
          health: {
            status: row.healthStatus as HealthStatus,
            message: row.healthMessage,
            checkedAt: row.healthCheckedAt,
          },
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
        }
      : null,
  };
}

/** The branch's audit trail, newest first: who, when, what, which fields (never values). */
export async function listIntegrationAudit({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { branchId } = branchRefSchema.parse(input);
  await findBranch(ctx.db, ctx.actor.companyId, branchId);
  const rows = await ctx.db
    .select()
    .from(integrationAudit)
    .where(and(eq(integrationAudit.companyId, ctx.actor.companyId), eq(integrationAudit.branchId, branchId)))
    .orderBy(desc(integrationAudit.id))
    .limit(200);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorName: r.actorName,
    action: r.action as AuditAction,
    integrator: r.integrator,
    integratorTitle: integratorTitle(r.integrator),
    fields: r.fields,
    detail: r.detail,
  }));
}
