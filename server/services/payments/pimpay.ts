import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, integrations } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import { acceptPimPayClient, getPimPayClient, testHeaderSignature } from "../../integrators/pimpay/client";
import { generatePimPayKeys, publicKeyOf, readPrivateKey } from "../../integrators/pimpay/keys";
import { PIMPAY_ENDPOINT, pimpaySettingsSchema, type PimPaySettings } from "../../integrators/pimpay/settings";
import { DEFAULT_UNIFORM_MAP, UNIFORM_STATUSES, UNIFORM_TITLES } from "../../integrators/pimpay/statuses";
import { assertAdmin, assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { openSecrets, ownerSecretsContext, sealSecrets } from "../security/secret-box";
import { writeAudit } from "../integrations/shared";
import { ORDER_STATUSES } from "../orders/statuses";
import {
  pimpayClientRefSchema,
  registerPimPayClientSchema,
  savePimPaySchema,
  type RegisterPimPayClientInput,
  type SavePimPayInput,
} from "./schemas";

const PIMPAY_TIMEOUT_MS = 15_000;
const OWNER = { ownerKind: "company" as const, branchId: null, clientId: null, integrator: "pimpay" };

type Row = typeof integrations.$inferSelect;

async function findRow(db: Queryable, companyId: number, lock = false): Promise<Row | undefined> {
  const q = db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.companyId, companyId),
        eq(integrations.ownerKind, "company"),
        eq(integrations.integrator, "pimpay"),
      ),
    );
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

const secretsOf = (row: Row | undefined): Record<string, string> =>
  row?.secrets ? openSecrets(row.secrets, ownerSecretsContext(row)) : {};

/** The stored settings with the secrets, complete or not (keys are made before the token is known). */
function partsOf(row: Row | undefined) {
  const secrets = secretsOf(row);
  const settings = (row?.settings ?? {}) as Partial<PimPaySettings>;
  return { settings, secrets };
}

/** Full, usable credentials or a Russian list of what is missing. */
export async function usableSettings(db: Queryable, companyId: number): Promise<PimPaySettings> {
  const row = await findRow(db, companyId);
  const { settings, secrets } = partsOf(row);
  const checked = pimpaySettingsSchema.safeParse({ ...settings, ...secrets });
  if (!checked.success) {
    const missing = [
      !secrets.token && "токен",
      !settings.companyCode && "код компании",
      !secrets.privateKey && "ключи",
    ].filter(Boolean);
    throw new ConflictError(
      missing.length
        ? `PimPay не настроен: нет ${missing.join(", ")}`
        : "Настройки PimPay неполные: сохраните их заново",
    );
  }
  return checked.data;
}

/**
 * The PimPay settings page: what is set (never the token or the private key themselves), the public key to copy into
 * PimPay's cabinet, the status mapping with our statuses and PimPay's, and the connection's health.
 */
export async function getPimPay({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const row = await findRow(ctx.db, ctx.actor.companyId);
  const { settings, secrets } = partsOf(row);
  return {
    configured: !!row,
    enabled: row?.enabled ?? false,
    tokenSet: !!secrets.token,
    companyCode: settings.companyCode ?? "",
    apiUrl: settings.apiUrl ?? PIMPAY_ENDPOINT,
    publicKey: secrets.privateKey ? publicKeyOf(secrets.privateKey) : null,
    statusMap: { ...DEFAULT_UNIFORM_MAP, ...(settings.statusMap ?? {}) },
    ourStatuses: Object.entries(ORDER_STATUSES).map(([code, title]) => ({ code, title })),
    uniformStatuses: UNIFORM_STATUSES.map((code) => ({ code, title: UNIFORM_TITLES[code] })),
    health: row
      ? { status: row.healthStatus, message: row.healthMessage, checkedAt: row.healthCheckedAt }
      : { status: "unknown" as const, message: null, checkedAt: null },
  };
}

/** Writes the row (creating it the first time), enabled once everything needed is there; audited by field names. */
async function writeRow(
  ctx: ServiceContext,
  tx: Queryable,
  row: Row | undefined,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
  fields: string[],
) {
  const companyId = ctx.actor.companyId;
  const complete = pimpaySettingsSchema.safeParse({ ...settings, ...secrets }).success;
  const sealed = sealSecrets(secrets, ownerSecretsContext({ companyId, ...OWNER }));
  const values = { settings, secrets: sealed, enabled: complete, updatedAt: sql`now()` };
  const [saved] = row
    ? await tx.update(integrations).set(values).where(eq(integrations.id, row.id)).returning()
    : await tx
        .insert(integrations)
        .values({ ...values, companyId, ownerKind: "company", integrator: "pimpay" })
        .returning();
  await writeAudit(tx, ctx.actor, {
    integrationId: saved!.id,
    integrator: "pimpay",
    action: row ? "changed" : "configured",
    fields,
  });
  return saved!;
}

/**
 * «Сохранить»: token (blank keeps the stored one), company code, API address, a pasted private key (checked: PEM
 * PKCS#1 or PKCS#8, RSA ≥ 2048 bits; blank keeps the stored one), the status mapping. Company admins only.
 */
export async function savePimPay({ ctx, input }: ServiceCall<SavePimPayInput>) {
  assertAdmin(ctx);
  const data = savePimPaySchema.parse(input);
  let pasted: { privateKey: string } | undefined;
  if (data.privateKey) {
    const key = readPrivateKey(data.privateKey);
    if ("error" in key) throw new ValidationError(key.error, { privateKey: [key.error] });
    pasted = key;
  }
  return ctx.db.transaction(async (tx) => {
    const row = await findRow(tx, ctx.actor.companyId, true);
    const { settings: before, secrets } = partsOf(row);
    const settings: Record<string, unknown> = {
      companyCode: data.companyCode,
      apiUrl: data.apiUrl ?? before.apiUrl ?? PIMPAY_ENDPOINT,
      statusMap: { ...DEFAULT_UNIFORM_MAP, ...(before.statusMap ?? {}), ...(data.statusMap ?? {}) },
    };
    const nextSecrets = { ...secrets };
    if (data.token) nextSecrets.token = data.token;
    if (pasted) nextSecrets.privateKey = pasted.privateKey;
    const fields = [
      data.token && "token",
      pasted && "privateKey",
      before.companyCode !== settings.companyCode && "companyCode",
      (before.apiUrl ?? PIMPAY_ENDPOINT) !== settings.apiUrl && "apiUrl",
      JSON.stringify({ ...DEFAULT_UNIFORM_MAP, ...(before.statusMap ?? {}) }) !== JSON.stringify(settings.statusMap) &&
        "statusMap",
    ].filter((f): f is string => !!f);
    const saved = await writeRow(ctx, tx, row, settings, nextSecrets, fields);
    return { enabled: saved.enabled, publicKey: nextSecrets.privateKey ? publicKeyOf(nextSecrets.privateKey) : null };
  });
}

/**
 * «Создать ключи»: a fresh RSA 2048 pair made here; the private key is sealed like every secret and never leaves the
 * server, the public key is returned to copy into PimPay's cabinet. Replaces an earlier key (PimPay then needs the new
 * public one). Company admins only.
 */
export async function generatePimPayKeyPair({ ctx }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const keys = generatePimPayKeys();
  await ctx.db.transaction(async (tx) => {
    const row = await findRow(tx, ctx.actor.companyId, true);
    const { settings, secrets } = partsOf(row);
    const base = row ? settings : { apiUrl: PIMPAY_ENDPOINT, statusMap: DEFAULT_UNIFORM_MAP };
    await writeRow(ctx, tx, row, base, { ...secrets, privateKey: keys.privateKey }, ["privateKey"]);
  });
  return { publicKey: keys.publicKey };
}

/** «Проверить подключение» = `testHeaderSignature`: proves the token and the key without touching orders. */
export async function checkPimPay({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const settings = await usableSettings(ctx.db, ctx.actor.companyId);
  let status: "ok" | "error" | "unreachable";
  let message: string;
  try {
    const verified = await testHeaderSignature(settings, PIMPAY_TIMEOUT_MS);
    status = verified ? "ok" : "error";
    message = verified
      ? "Подключение установлено: PimPay принял токен и подпись"
      : "Подпись не принята: загрузите открытый ключ в кабинет PimPay";
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    status = e.kind === "transient" ? "unreachable" : "error";
    message = /подпис/i.test(e.message) ? `Подпись не принята: ${e.message}` : e.message;
  }
  await ctx.db.transaction(async (tx) => {
    const row = await findRow(tx, ctx.actor.companyId, true);
    if (!row) return;
    await tx
      .update(integrations)
      .set({ healthStatus: status, healthMessage: message, healthCheckedAt: new Date() })
      .where(eq(integrations.id, row.id));
    await writeAudit(tx, ctx.actor, { integrationId: row.id, integrator: "pimpay", action: "checked", detail: status });
  });
  return { status, message };
}

async function clientOf(ctx: ServiceContext, clientId: number) {
  const [c] = await ctx.db
    .select()
    .from(clients)
    .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, clientId)));
  if (!c) throw new NotFoundError("Клиент");
  return c;
}

/**
 * The client card's «Финансы» with PimPay chosen: PimPay's record of the shop by the client's INN (active, money
 * transfer possible), or that PimPay does not know it (the card then offers to register it).
 */
export async function pimpayClientState({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { clientId } = pimpayClientRefSchema.parse(input);
  const c = await clientOf(ctx, clientId);
  if (!c.inn)
    return {
      inn: null,
      found: false as const,
      info: null,
      message: "Укажите ИНН клиента: PimPay находит магазин по ИНН",
    };
  const settings = await usableSettings(ctx.db, ctx.actor.companyId);
  try {
    const info = await getPimPayClient(settings, c.inn, PIMPAY_TIMEOUT_MS);
    return info
      ? { inn: c.inn, found: true as const, info, message: null }
      : { inn: c.inn, found: false as const, info: null, message: "PimPay не знает магазин с этим ИНН" };
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    throw new ConflictError(e.message);
  }
}

/** «Зарегистрировать в PimPay» (`acceptClient`) with the fields PimPay requires; the INN is the card's. */
export async function registerPimPayClient({ ctx, input }: ServiceCall<RegisterPimPayClientInput>) {
  assertStaff(ctx);
  const data = registerPimPayClientSchema.parse(input);
  const c = await clientOf(ctx, data.clientId);
  if (!c.inn) throw new ValidationError("Сначала укажите ИНН клиента", { inn: ["Укажите ИНН"] });
  const settings = await usableSettings(ctx.db, ctx.actor.companyId);
  try {
    const info = await acceptPimPayClient(
      settings,
      {
        legalEntityName: data.legalEntityName,
        tin: c.inn,
        shopName: data.shopName,
        email: data.email,
        mobile: data.mobile,
        agreement: data.agreement,
      },
      PIMPAY_TIMEOUT_MS,
    );
    return { info };
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    throw new ConflictError(e.message);
  }
}
