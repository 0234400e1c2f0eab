import { createHash, createHmac, randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { companies, integrations, shopAppInstalls } from "@/db/schema";
import { PartnerError } from "@/server/integrators/errors";
import { checkCredentials, editModule } from "@/server/integrators/retailcrm/client";
import { moduleConfiguration } from "@/server/integrators/retailcrm/module";
import { retailCrmSettingsSchema } from "@/server/integrators/retailcrm/settings";
import { ConflictError, UnauthorizedError, ValidationError, zodFieldErrors, type FieldErrors } from "../errors";
import { openSecrets, ownerSecretsContext, sealSecrets } from "../security/secret-box";
import { AppNotConfiguredError } from "./installs";
import { upsertClientIntegration } from "./client-integration";
import { clientAccount } from "./link";
import { connectRetailCrmSchema, linkRetailCrmSchema, registerPayloadSchema } from "./retailcrm-schemas";
import { ticketSchema } from "./schemas";
import { sameSecret } from "./signature";
import { dropTickets, issueTicket, peekTicket } from "./tickets";

/** The CRM is waited on by a person in its settings: a connect step answers within this. */
const CRM_TIMEOUT_MS = 15_000;
const STALE_LINK = "Ссылка устарела: откройте настройки модуля в RetailCRM ещё раз";

/**
 * The deployment's RetailCRM module: its symbolic code from the partner cabinet (RETAILCRM_MODULE_CODE), the simple
 * connection's secret (RETAILCRM_SECRET, only for that flow) and our public address (PUBLIC_URL).
 */
export function retailCrmConfig(): { integrationCode: string; secret: string | null; publicUrl: string } {
  const integrationCode = process.env.RETAILCRM_MODULE_CODE;
  const publicUrl = process.env.PUBLIC_URL?.replace(/\/+$/, "");
  if (!integrationCode || !publicUrl)
    throw new AppNotConfiguredError("Модуль RetailCRM не настроен на этом сервере (RETAILCRM_MODULE_CODE, PUBLIC_URL)");
  return { integrationCode, secret: process.env.RETAILCRM_SECRET || null, publicUrl };
}

/** The callbacks' clientId is kept as its SHA-256 only, and connections are found by it (retailcrm.md §8). */
export const callbackKeyHash = (clientId: string) => createHash("sha256").update(clientId, "utf8").digest("hex");

const installContext = (shopId: string) => `shop-app:retailcrm:${shopId}`;
/** One installation per CRM account: its address without the scheme (host, and the stand-in's account path). */
const shopIdOf = (crmUrl: string) => crmUrl.replace(/^https?:\/\//i, "").toLowerCase();
export const moduleCodeOf = (integrationCode: string, installId: number) => `${integrationCode}-${installId}`;

type Install = typeof shopAppInstalls.$inferSelect;

export function installApiKey(install: Install): string {
  return openSecrets(install.secrets, installContext(install.shopId)).apiKey!;
}

/** The CRM's key checked for the rights a delivery module needs; its refusals named at the form's fields. */
async function checkKey(crmUrl: string, apiKey: string) {
  let missing: string[];
  try {
    ({ missing } = await checkCredentials({ crmUrl, apiKey }, CRM_TIMEOUT_MS));
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    const field = e.kind === "auth" ? "apiKey" : "crmUrl";
    throw new ValidationError(e.message, { [field]: [e.message] });
  }
  if (missing.length) {
    const message = `У ключа нет прав: ${missing.join(", ")}. Разрешите их в RetailCRM (Настройки → Интеграция → Ключи доступа к API)`;
    throw new ValidationError(message, { apiKey: [message] });
  }
}

/** Stores (or refreshes) the CRM account's installation with its key; a linked integration gets the new key too. */
async function upsertInstall(tx: Queryable, crmUrl: string, apiKey: string): Promise<Install> {
  const shopId = shopIdOf(crmUrl);
  const secrets = sealSecrets({ apiKey }, installContext(shopId));
  const [row] = await tx
    .insert(shopAppInstalls)
    .values({ app: "retailcrm", shopId, shop: crmUrl, secrets })
    .onConflictDoUpdate({
      target: [shopAppInstalls.app, shopAppInstalls.shopId],
      set: { shop: crmUrl, secrets, updatedAt: sql`now()` },
    })
    .returning();
  if (row!.integrationId !== null) {
    const [integration] = await tx
      .select()
      .from(integrations)
      .where(eq(integrations.id, row!.integrationId))
      .for("update");
    if (integration) {
      await tx
        .update(integrations)
        .set({
          settings: { ...integration.settings, crmUrl },
          secrets: sealSecrets({ apiKey }, ownerSecretsContext(integration)),
          updatedAt: sql`now()`,
        })
        .where(eq(integrations.id, integration.id));
    }
  }
  return row!;
}

/**
 * Registers the module instance in the CRM (`integration-modules/{code}/edit`) with a fresh clientId, whose hash
 * replaces the old one in the caller's transaction: if the CRM refuses, nothing here changes. Settings changed under
 * «Автоматизация» (the COD payment types) go to the CRM the same way.
 */
export async function syncRetailCrmModule(tx: Queryable, installId: number, active = true) {
  const cfg = retailCrmConfig();
  const [install] = await tx.select().from(shopAppInstalls).where(eq(shopAppInstalls.id, installId)).for("update");
  if (!install || install.app !== "retailcrm") throw new ConflictError("Подключение RetailCRM не найдено");
  let codPaymentTypes: string[] = [];
  let companyName = "Курьер-Хаб";
  if (install.integrationId !== null) {
    const [row] = await tx
      .select({ settings: integrations.settings, company: companies.name })
      .from(integrations)
      .innerJoin(companies, eq(companies.id, integrations.companyId))
      .where(eq(integrations.id, install.integrationId));
    if (row) {
      companyName = row.company;
      const list = row.settings.codPaymentTypes;
      if (Array.isArray(list)) codPaymentTypes = list.filter((v): v is string => typeof v === "string");
    }
  }
  const clientId = randomUUID();
  await tx
    .update(shopAppInstalls)
    .set({ keyHash: callbackKeyHash(clientId), updatedAt: sql`now()` })
    .where(eq(shopAppInstalls.id, install.id));
  const code = moduleCodeOf(cfg.integrationCode, install.id);
  const payload = moduleConfiguration({
    code,
    integrationCode: cfg.integrationCode,
    clientId,
    publicUrl: cfg.publicUrl,
    active,
    codPaymentTypes,
    companyName,
  });
  try {
    await editModule({ crmUrl: install.shop, apiKey: installApiKey(install) }, code, payload, CRM_TIMEOUT_MS);
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    throw new ConflictError(`RetailCRM не принял настройки модуля: ${e.message}`);
  }
  return code;
}

/** The client's RetailCRM integration (one per client), pointing at this installation; defaults for the rules. */
async function attachInstall(tx: Queryable, install: Install, client: { companyId: number; clientId: number }) {
  const cfg = retailCrmConfig();
  return upsertClientIntegration(tx, {
    install,
    client,
    integrator: "retailcrm",
    taken: (other) => `К этому клиенту уже подключена RetailCRM ${other}. Сначала отключите модуль там.`,
    build: (existing) => {
      // Rules the client already set survive a reconnect; the connection's own fields are this installation's.
      const checked = retailCrmSettingsSchema.safeParse({
        ...(existing?.settings ?? {}),
        crmUrl: install.shop,
        apiKey: installApiKey(install),
        moduleCode: moduleCodeOf(cfg.integrationCode, install.id),
      });
      if (!checked.success) throw new ValidationError("Проверьте поля формы", zodFieldErrors(checked.error));
      const { apiKey, ...settings } = checked.data;
      return { settings, secrets: { apiKey } };
    },
  });
}

function formErrors(r: { success: false; error: Parameters<typeof zodFieldErrors>[0] }): never {
  throw new ValidationError("Проверьте поля формы", zodFieldErrors(r.error) as FieldErrors);
}

/**
 * The connect page (the Marketplace's «Подключить», §3.1): our client account (throttled like sign-in), the CRM key
 * checked for its rights, then the installation, the client's integration and the module registered in the CRM — all
 * or nothing. Returns where to send the browser: the CRM's integration list.
 */
export async function connectRetailCrm(db: Queryable, input: unknown, ip: string) {
  retailCrmConfig();
  const r = connectRetailCrmSchema.safeParse(input);
  if (!r.success) formErrors(r);
  const data = r.data;
  const { actor, name } = await clientAccount(db, data, ip);
  await checkKey(data.crmUrl, data.apiKey);
  const integrationId = await db.transaction(async (tx) => {
    const install = await upsertInstall(tx, data.crmUrl, data.apiKey);
    const id = await attachInstall(tx, install, { companyId: actor.companyId, clientId: actor.clientId });
    await syncRetailCrmModule(tx, install.id);
    return id;
  });
  return { integrationId, clientName: name, redirectUrl: `${data.crmUrl}/admin/integration/list` };
}

/** The simple connection's `configUrl` answer (§3.2). */
export function retailCrmConnectionConfig() {
  const cfg = retailCrmConfig();
  return {
    success: true,
    scopes: ["delivery_read", "delivery_write", "integration_read", "integration_write"],
    registerUrl: `${cfg.publicUrl}/api/apps/retailcrm/register`,
  };
}

/**
 * The simple connection's `registerUrl` (§3.2): the token must be HMAC-SHA256(secret, apiKey), compared in constant
 * time (401 otherwise). The CRM account is installed and its module registered; our client account is named later, on
 * the settings page the CRM opens through `accountUrl`.
 */
export async function registerRetailCrm(db: Queryable, registerField: unknown) {
  const cfg = retailCrmConfig();
  if (!cfg.secret) throw new AppNotConfiguredError("Простое подключение RetailCRM не настроено (RETAILCRM_SECRET)");
  let raw: unknown;
  try {
    raw = typeof registerField === "string" ? JSON.parse(registerField) : registerField;
  } catch {
    throw new ValidationError("Поле register — не JSON");
  }
  const r = registerPayloadSchema.safeParse(raw);
  if (!r.success) throw new ValidationError("В поле register нет systemUrl, apiKey или token");
  const hmac = createHmac("sha256", cfg.secret).update(r.data.apiKey).digest("hex");
  if (!sameSecret(r.data.token, hmac)) throw new UnauthorizedError("Неверный token");
  await db.transaction(async (tx) => {
    const install = await upsertInstall(tx, r.data.systemUrl, r.data.apiKey);
    await syncRetailCrmModule(tx, install.id);
  });
  return { success: true, accountUrl: `${cfg.publicUrl}/api/apps/retailcrm/account` };
}

/** An installation by the clientId the CRM presents (callbacks, accountUrl); null when none has it. */
export async function installByClientId(db: Queryable, clientId: unknown): Promise<Install | null> {
  if (typeof clientId !== "string" || clientId.length < 8 || clientId.length > 200) return null;
  const [row] = await db
    .select()
    .from(shopAppInstalls)
    .where(and(eq(shopAppInstalls.app, "retailcrm"), eq(shopAppInstalls.keyHash, callbackKeyHash(clientId))));
  return row ?? null;
}

/**
 * The module's settings opened from the CRM (`accountUrl`, clientId by POST body or path): a linked connection signs
 * in as its client and opens its «Автоматизация»; one not linked yet opens the link page. Another client's settings
 * are never reachable: the clientId is the only key.
 */
export async function openRetailCrmAccount(db: Queryable, clientId: unknown) {
  const install = await installByClientId(db, clientId);
  if (!install) throw new UnauthorizedError("Модуль не найден: подключите его в RetailCRM заново");
  if (install.integrationId !== null) {
    const [integration] = await db
      .select({ clientId: integrations.clientId, enabled: integrations.enabled })
      .from(integrations)
      .where(eq(integrations.id, install.integrationId));
    if (integration?.clientId && integration.enabled) {
      const ticket = await issueTicket(db, "sign-in", install.id, { clientId: integration.clientId });
      return `/shop-apps/retailcrm/enter?ticket=${ticket}&next=${encodeURIComponent(`/automation/${install.integrationId}`)}`;
    }
  }
  const ticket = await issueTicket(db, "link", install.id);
  return `/shop-apps/retailcrm/link?ticket=${ticket}`;
}

async function installOfLinkTicket(db: Queryable, ticket: unknown) {
  const parsed = ticketSchema.safeParse(ticket);
  const t = parsed.success ? await peekTicket(db, "link", parsed.data) : null;
  const [install] = t ? await db.select().from(shopAppInstalls).where(eq(shopAppInstalls.id, t.installId)) : [];
  if (!install || install.app !== "retailcrm") throw new UnauthorizedError(STALE_LINK);
  return install;
}

/** What the link page shows: the CRM being linked. */
export async function retailCrmLinkInfo(db: Queryable, ticket: unknown) {
  const install = await installOfLinkTicket(db, ticket);
  return { crmUrl: install.shop };
}

/** The link page's «Сохранить»: our client account (throttled), then the CRM becomes that client's integration. */
export async function linkRetailCrm(db: Queryable, input: unknown, ip: string) {
  const r = linkRetailCrmSchema.safeParse(input);
  if (!r.success) formErrors(r);
  const data = r.data;
  await installOfLinkTicket(db, data.ticket);
  const { actor, name } = await clientAccount(db, data, ip);
  return db.transaction(async (tx) => {
    const install = await installOfLinkTicket(tx, data.ticket);
    const integrationId = await attachInstall(tx, install, { companyId: actor.companyId, clientId: actor.clientId });
    await syncRetailCrmModule(tx, install.id);
    await dropTickets(tx, install.id, "link");
    const ticket = await issueTicket(tx, "sign-in", install.id, { clientId: actor.clientId });
    const next = encodeURIComponent(`/automation/${integrationId}`);
    return { integrationId, clientName: name, enterPath: `/shop-apps/retailcrm/enter?ticket=${ticket}&next=${next}` };
  });
}

/** «Автоматизация» saved: the module in the CRM learns the new rules (COD payment types) in the same transaction. */
export async function resyncRetailCrmIntegration(tx: Queryable, integrationId: number) {
  const [install] = await tx
    .select({ id: shopAppInstalls.id })
    .from(shopAppInstalls)
    .where(and(eq(shopAppInstalls.app, "retailcrm"), eq(shopAppInstalls.integrationId, integrationId)))
    .orderBy(asc(shopAppInstalls.id));
  if (install) await syncRetailCrmModule(tx, install.id);
}
