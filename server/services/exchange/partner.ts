import { and, eq, ne } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/client";
import { integrations, integrationSync } from "@/db/schema";
import { validateSettings } from "../../integrators/fields";
import { getIntegrator } from "../../integrators/registry";
import type { IntegratorAdapter, OrderExchange, ProbeOptions } from "../../integrators/types";
import { openSecrets, ownerSecretsContext } from "../integrations/secret-box";
import { selfApiUrl } from "../integrations/shared";
import { PartnerError } from "../../integrators/errors";

export interface Partner {
  id: number;
  companyId: number;
  ownerKind: "branch" | "client" | "company";
  branchId: number | null;
  clientId: number | null;
  integrator: string;
  enabled: boolean;
  adapter: IntegratorAdapter;
  exchange: OrderExchange<unknown>;
  settings: unknown;
  options: ProbeOptions;
  /** This integration's own change-feed cursor at the partner (MeaSoft allows 100…10000). */
  streamId: number;
}

export const streamIdFor = (integrationId: number) => 100 + (integrationId % 9901);

/** An integration with its credentials decrypted, ready to talk to the partner. Throws `auth` when unusable. */
export async function loadPartner(db: Queryable, integrationId: number): Promise<Partner | null> {
  const [row] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
  if (!row) return null;
  const adapter = getIntegrator(row.integrator);
  if (!adapter?.exchange) throw new PartnerError("rejected", `Обмен заказами с интегратором «${adapter?.title ?? row.integrator}» пока не поддерживается`);
  const secrets = row.secrets ? openSecrets(row.secrets, ownerSecretsContext(row)) : {};
  const checked = validateSettings(adapter, { ...row.settings, ...secrets });
  if (!checked.ok) throw new PartnerError("auth", `Настройки интеграции неполные (${Object.keys(checked.fieldErrors).join(", ")})`);
  return {
    id: row.id,
    companyId: row.companyId,
    ownerKind: row.ownerKind,
    branchId: row.branchId,
    clientId: row.clientId,
    integrator: row.integrator,
    enabled: row.enabled,
    adapter,
    exchange: adapter.exchange as OrderExchange<unknown>,
    settings: checked.data,
    options: { timeoutMs: Number(process.env.SYNC_TIMEOUT_MS ?? 15_000), selfApiUrl: selfApiUrl() },
    streamId: streamIdFor(row.id),
  };
}

/** The integration when it is enabled and usable; null when it is gone, switched off or its settings cannot be used. */
export async function loadActivePartner(db: Queryable, integrationId: number): Promise<Partner | null> {
  try {
    const partner = await loadPartner(db, integrationId);
    return partner?.enabled ? partner : null;
  } catch (e) {
    if (e instanceof PartnerError) return null;
    throw e;
  }
}

/** Inserts or updates an integration's exchange figures; `onConflict` differs where a counter is incremented. */
export async function recordSyncState(
  db: Queryable,
  integrationId: number,
  companyId: number,
  values: Partial<typeof integrationSync.$inferInsert>,
  onConflict: PgUpdateSetSource<typeof integrationSync> = values,
) {
  await db
    .insert(integrationSync)
    .values({ ...values, integrationId, companyId })
    .onConflictDoUpdate({ target: integrationSync.integrationId, set: onConflict });
}

/** An authorization refusal stops the exchange at once and shows on the Integration tab. */
export async function markUnhealthy(db: Queryable, integrationId: number, companyId: number, message: string) {
  await db
    .update(integrations)
    .set({ healthStatus: "error", healthMessage: message, healthCheckedAt: new Date() })
    .where(and(eq(integrations.id, integrationId), eq(integrations.companyId, companyId)));
}

/** A successful exchange proves the connection as well as a probe does; an earlier failure stops being shown. */
export async function markHealthy(db: Queryable, integrationId: number, companyId: number) {
  await db
    .update(integrations)
    .set({ healthStatus: "ok", healthMessage: "Обмен с партнёром работает", healthCheckedAt: new Date() })
    .where(and(eq(integrations.id, integrationId), eq(integrations.companyId, companyId), ne(integrations.healthStatus, "ok")));
}
