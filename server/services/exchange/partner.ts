import { and, eq, ne } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/client";
import { integrations, integrationSync } from "@/db/schema";
import { validateSettings } from "../../integrators/fields";
import { getIntegrator } from "../../integrators/registry";
import type { ExchangeOptions, IntegratorAdapter } from "../../integrators/types";
import { openSecrets, ownerSecretsContext } from "../security/secret-box";
import { hookUrl, selfApiUrl } from "./addresses";
import { takePartnerSlot } from "./pace";
import { pgTokenCache } from "./tokens";
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
  settings: Record<string, unknown>;
  options: ExchangeOptions;
}

/** An integration with its credentials decrypted, ready to talk to the partner. Throws `auth` when unusable. */
export async function loadPartner(db: Queryable, integrationId: number): Promise<Partner | null> {
  const [row] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
  if (!row) return null;
  const adapter = getIntegrator(row.integrator);
  if (!adapter) throw new PartnerError("rejected", `Интегратор «${row.integrator}» неизвестен`);
  const secrets = row.secrets ? openSecrets(row.secrets, ownerSecretsContext(row)) : {};
  const checked = validateSettings(adapter, { ...row.settings, ...secrets });
  if (!checked.ok)
    throw new PartnerError("auth", `Настройки интеграции неполные (${Object.keys(checked.fieldErrors).join(", ")})`);
  return {
    id: row.id,
    companyId: row.companyId,
    ownerKind: row.ownerKind,
    branchId: row.branchId,
    clientId: row.clientId,
    integrator: row.integrator,
    enabled: row.enabled,
    adapter,
    settings: checked.data,
    options: {
      timeoutMs: Number(process.env.SYNC_TIMEOUT_MS ?? 15_000),
      selfApiUrl: selfApiUrl(),
      integrationId: row.id,
      tokens: pgTokenCache(db, row.id, row.companyId, JSON.stringify(checked.data)),
      hookUrl: hookUrl(row.integrator, row.hookKey),
      pace: async (key, perSecond) => void (await takePartnerSlot(db, key, perSecond)),
    },
  };
}

/** The capability an engine step needs, or a final refusal naming what the integrator cannot do. */
export function capability<K extends Capability>(p: Partner, name: K, what: string): NonNullable<IntegratorAdapter[K]> {
  const c = p.adapter[name];
  if (!c) throw new PartnerError("rejected", `${what} с интегратором «${p.adapter.title}» пока не поддерживается`);
  return c as NonNullable<IntegratorAdapter[K]>;
}

type Capability = "outbound" | "statusSource" | "cancel" | "print" | "webhook" | "inbound" | "payments";

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
    .where(
      and(
        eq(integrations.id, integrationId),
        eq(integrations.companyId, companyId),
        ne(integrations.healthStatus, "ok"),
      ),
    );
}
