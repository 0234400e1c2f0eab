import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations, integrationSync } from "@/db/schema";
import { addressFieldErrors } from "@/server/integrators/address-policy";
import { integratorForm, integratorTitle } from "@/server/integrators/catalog";
import { validateSettings } from "@/server/integrators/fields";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, ValidationError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { saveIntegrationSchema } from "./schemas";
import { openSecrets, sealSecrets, secretsContext } from "../security/secret-box";
import { findBranch, findIntegration, writeAudit } from "./shared";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Configures a branch's integrator from its form. Secret fields are sealed; a stored secret left blank is kept.
 * Switching a configured branch to another integrator needs `replace: true` (the dialog asks first).
 */
export async function saveIntegration({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = saveIntegrationSchema.parse(input);
  const form = integratorForm(data.integrator);
  if (!form) throw new ValidationError("Неизвестный интегратор", { integrator: ["Выберите интегратора из списка"] });
  const companyId = ctx.actor.companyId;
  const actor = ctx.actor;
  const context = secretsContext(companyId, data.branchId);

  try {
    return await ctx.db.transaction(async (tx) => {
      // Locking the branch row serialises this with deleteBranch and with a concurrent save of the same branch.
      await findBranch(tx, companyId, data.branchId, true);
      const existing = await findIntegration(tx, companyId, data.branchId, true);
      const switching = !!existing && existing.integrator !== form.id;
      if (switching && !data.replace) {
        throw new ConflictError(
          `Филиал уже настроен на «${integratorTitle(existing.integrator)}». Подтвердите замену: прежние настройки и пароли будут удалены.`,
        );
      }

      const oldSecrets = existing && !switching && existing.secrets ? openSecrets(existing.secrets, context) : {};
      const checked = validateSettings(form.settings, data.values, Object.keys(oldSecrets));
      if (!checked.ok) throw new ValidationError("Проверьте поля формы", checked.fieldErrors);
      const refused = addressFieldErrors(form.fields, checked.data);
      if (refused) throw new ValidationError("Адрес недоступен: внутренние адреса запрещены", refused);

      const settings: Record<string, unknown> = {};
      const secrets: Record<string, string> = { ...oldSecrets };
      const provided: string[] = [];
      for (const field of form.fields) {
        const value = checked.data[field.name];
        if (field.secret) {
          if (typeof value === "string" && value !== "") {
            if (secrets[field.name] !== value) provided.push(field.name);
            secrets[field.name] = value;
          }
        } else if (value !== undefined) {
          settings[field.name] = value;
        }
      }
      // Only the fields this integrator has survive (a replaced integrator's secrets are dropped above).
      for (const name of Object.keys(secrets))
        if (!form.fields.some((f) => f.secret && f.name === name)) delete secrets[name];
      const sealed = Object.keys(secrets).length > 0 ? sealSecrets(secrets, context) : null;

      if (!existing || switching) {
        const values = {
          integrator: form.id,
          settings,
          secrets: sealed,
          enabled: true,
          healthStatus: "unknown" as const,
          healthMessage: null,
          healthCheckedAt: null,
          updatedAt: sql`now()`,
          integratorSince: sql`now()`,
        };
        const [row] = existing
          ? await tx
              .update(integrations)
              .set(values)
              .where(eq(integrations.id, existing.id))
              .returning({ id: integrations.id })
          : await tx
              .insert(integrations)
              .values({ ...values, companyId, branchId: data.branchId })
              .returning({ id: integrations.id });
        // A switched integrator starts afresh: the old partner's last exchange and last error are not its.
        if (existing) await resetSyncState(tx, existing.id);
        const fields = [
          "integrator",
          ...form.fields
            .filter((f) => (f.secret ? f.name in secrets : settings[f.name] !== undefined))
            .map((f) => f.name),
        ];
        await writeAudit(tx, actor, {
          branchId: data.branchId,
          integrationId: row!.id,
          integrator: form.id,
          action: "configured",
          fields,
        });
        return { id: row!.id, action: "configured" as const, fields };
      }

      const changed = [
        ...form.fields
          .filter((f) => !f.secret && !same(existing.settings[f.name], settings[f.name]))
          .map((f) => f.name),
        ...provided,
      ];
      if (changed.length === 0) return { id: existing.id, action: "unchanged" as const, fields: [] as string[] };
      // The last check no longer describes these settings.
      await tx
        .update(integrations)
        .set({
          settings,
          secrets: sealed,
          healthStatus: "unknown",
          healthMessage: null,
          healthCheckedAt: null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(integrations.id, existing.id), eq(integrations.companyId, companyId)));
      await writeAudit(tx, actor, {
        branchId: data.branchId,
        integrationId: existing.id,
        integrator: form.id,
        action: "changed",
        fields: changed,
      });
      return { id: existing.id, action: "changed" as const, fields: changed };
    });
  } catch (e) {
    // Two first saves of one branch at once: the loser sees the winner's row next time.
    if (isUniqueViolation(e))
      throw new ConflictError("Интеграцию этого филиала только что настроил кто-то другой. Обновите страницу.");
    throw e;
  }
}

/** Forgets the exchange figures of the integrator being replaced; a poll lease held by a worker is left to expire. */
async function resetSyncState(db: Queryable, integrationId: number) {
  const cleared = { lastSuccessAt: null, lastPollAt: null, lastErrorAt: null, lastError: null, pollFailures: 0 };
  await db
    .update(integrationSync)
    .set({ ...cleared, nextPollAt: null })
    .where(eq(integrationSync.integrationId, integrationId));
}
