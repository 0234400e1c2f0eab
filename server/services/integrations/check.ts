import { and, eq } from "drizzle-orm";
import { integrations } from "@/db/schema";
import { validateSettings } from "@/server/integrators/fields";
import { getIntegrator } from "@/server/integrators/registry";
import type { ProbeResult } from "@/server/integrators/types";
import { assertStaff, type ServiceCall } from "../context";
import { branchRefSchema } from "./schemas";
import { openSecrets, secretsContext } from "../security/secret-box";
import { selfApiUrl } from "../exchange/addresses";
import { requireIntegration, writeAudit } from "./shared";

export const PROBE_TIMEOUT_MS = 10_000;

/**
 * «Проверить подключение»: runs the integrator's side-effect-free probe with the stored credentials, stores the result
 * as the integration's health and audits the check. The network call happens outside any transaction.
 */
export async function checkIntegration({ ctx, input }: ServiceCall<unknown>, options: { timeoutMs?: number } = {}) {
  assertStaff(ctx);
  const { branchId } = branchRefSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const actor = ctx.actor;
  const row = await requireIntegration(ctx.db, companyId, branchId);
  const adapter = getIntegrator(row.integrator);

  let result: ProbeResult;
  if (!adapter) {
    result = { status: "error", message: `Интегратор «${row.integrator}» больше не поддерживается` };
  } else {
    const secrets = row.secrets ? openSecrets(row.secrets, secretsContext(companyId, branchId)) : {};
    const checked = validateSettings(adapter, { ...row.settings, ...secrets });
    if (!checked.ok) {
      const fields = Object.keys(checked.fieldErrors).join(", ");
      result = { status: "error", message: `Настройки неполные (${fields}): откройте «Настроить» и заполните их` };
    } else {
      result = await adapter.probe(checked.data as never, {
        timeoutMs: options.timeoutMs ?? PROBE_TIMEOUT_MS,
        selfApiUrl: selfApiUrl(),
      });
    }
  }

  const checkedAt = new Date();
  await ctx.db.transaction(async (tx) => {
    // Skip the write when the branch was switched to another integrator while the probe ran: the result is not its.
    const updated = await tx
      .update(integrations)
      .set({ healthStatus: result.status, healthMessage: result.message, healthCheckedAt: checkedAt })
      .where(
        and(
          eq(integrations.id, row.id),
          eq(integrations.companyId, companyId),
          eq(integrations.integrator, row.integrator),
        ),
      )
      .returning({ id: integrations.id });
    if (updated.length > 0) {
      await writeAudit(tx, actor, {
        branchId,
        integrationId: row.id,
        integrator: row.integrator,
        action: "checked",
        detail: result.status,
      });
    }
  });
  return { status: result.status, message: result.message, checkedAt };
}
