import { and, asc, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { apiSettings, companies, deliveryServices, tariffs, tariffZones } from "@/db/schema";
import { clearRequiredFieldsCache, REQUIRABLE_FIELDS, type RequirableField } from "../api-settings";
import { assertAdmin, type ServiceCall } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { resolveTown } from "../reference";
import { diff, writeCompanyAudit } from "./audit";
import {
  API_REQUIRABLE_FIELDS,
  apiSettingsSchema,
  idSchema,
  requisitesSchema,
  serviceCodeSchema,
  serviceSchema,
  tariffListSchema,
  tariffSchema,
  zoneSchema,
} from "./schemas";
import { parseForm } from "./parse";

export { listCompanyAudit } from "./audit";

// The form's list and the XML API's list are one list: a field added on one side only fails to compile.
const sameFields: Record<RequirableField, string> = API_REQUIRABLE_FIELDS;
void sameFields;
void REQUIRABLE_FIELDS;

/** The page's first screen: requisites, the XML API rules and the services (tariffs and zones load per tab). */
export async function getCompanySettings({ ctx }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const companyId = ctx.actor.companyId;
  const [company] = await ctx.db
    .select({
      name: companies.name,
      inn: companies.inn,
      address: companies.address,
      phone: companies.phone,
      extra: companies.extraCode,
    })
    .from(companies)
    .where(eq(companies.id, companyId));
  if (!company) throw new NotFoundError("Компания");
  const [api] = await ctx.db
    .select({ requiredFields: apiSettings.requiredFields, strictTowns: apiSettings.strictTowns })
    .from(apiSettings)
    .where(eq(apiSettings.companyId, companyId));
  const services = await ctx.db
    .select({
      code: deliveryServices.code,
      name: deliveryServices.name,
      tariffs: sql<number>`(select count(*)::int from ${tariffs} where ${tariffs.companyId} = ${companyId}
        and ${tariffs.serviceCode} = ${deliveryServices.code})`,
    })
    .from(deliveryServices)
    .where(eq(deliveryServices.companyId, companyId))
    .orderBy(asc(deliveryServices.code));
  return {
    requisites: company,
    api: { requiredFields: api?.requiredFields ?? [], strictTowns: api?.strictTowns ?? false },
    services,
  };
}

export async function saveRequisites({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const data = parseForm(requisitesSchema, input);
  const next = { name: data.name, inn: data.inn ?? null, address: data.address ?? null, phone: data.phone ?? null };
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: companies.name, inn: companies.inn, address: companies.address, phone: companies.phone })
      .from(companies)
      .where(eq(companies.id, ctx.actor.companyId))
      .for("update");
    if (!before) throw new NotFoundError("Компания");
    const changes = diff(before, next);
    if (Object.keys(changes).length === 0) return { changed: false };
    await tx.update(companies).set(next).where(eq(companies.id, ctx.actor.companyId));
    await writeCompanyAudit(tx, ctx.actor, { section: "requisites", action: "update", changes });
    return { changed: true };
  });
}

/** The XML API reads these on every neworder (cached a minute per process; this process's cache is dropped now). */
export async function saveApiSettings({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const data = parseForm(apiSettingsSchema, input);
  const companyId = ctx.actor.companyId;
  const result = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ requiredFields: apiSettings.requiredFields, strictTowns: apiSettings.strictTowns })
      .from(apiSettings)
      .where(eq(apiSettings.companyId, companyId))
      .for("update");
    const before = { requiredFields: [...(row?.requiredFields ?? [])].sort(), strictTowns: row?.strictTowns ?? false };
    const changes = diff(before, data);
    if (Object.keys(changes).length === 0) return { changed: false };
    await tx
      .insert(apiSettings)
      .values({ companyId, ...data })
      .onConflictDoUpdate({ target: apiSettings.companyId, set: data });
    await writeCompanyAudit(tx, ctx.actor, { section: "api", action: "update", changes });
    return { changed: true };
  });
  clearRequiredFieldsCache();
  return result;
}

export async function saveService({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const data = parseForm(serviceSchema, input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: deliveryServices.name })
      .from(deliveryServices)
      .where(and(eq(deliveryServices.companyId, companyId), eq(deliveryServices.code, data.code)))
      .for("update");
    if (before?.name === data.name) return { code: data.code };
    await tx
      .insert(deliveryServices)
      .values({ companyId, code: data.code, name: data.name })
      .onConflictDoUpdate({ target: [deliveryServices.companyId, deliveryServices.code], set: { name: data.name } });
    await writeCompanyAudit(tx, ctx.actor, {
      section: "service",
      action: before ? "update" : "create",
      subject: `Услуга ${data.code}`,
      changes: { name: [before?.name ?? null, data.name] },
    });
    return { code: data.code };
  });
}

/** A service with price rows cannot go: the calculator would lose them silently. */
export async function deleteService({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { code } = parseForm(serviceCodeSchema, input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const [s] = await tx
      .select({ name: deliveryServices.name })
      .from(deliveryServices)
      .where(and(eq(deliveryServices.companyId, companyId), eq(deliveryServices.code, code)))
      .for("update");
    if (!s) throw new NotFoundError("Услуга");
    const [used] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(tariffs)
      .where(and(eq(tariffs.companyId, companyId), eq(tariffs.serviceCode, code)));
    if (used!.n > 0) throw new ConflictError(`У услуги ${used!.n} строк тарифа: удалите их сначала`);
    await tx
      .delete(deliveryServices)
      .where(and(eq(deliveryServices.companyId, companyId), eq(deliveryServices.code, code)));
    await writeCompanyAudit(tx, ctx.actor, {
      section: "service",
      action: "delete",
      subject: `Услуга ${code}`,
      changes: { name: [s.name, null] },
    });
    return { code };
  });
}

const MAX_TARIFF_ROWS = 2000;

export async function listTariffs({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { serviceCode } = parseForm(tariffListSchema, input ?? {});
  const rows = await ctx.db
    .select()
    .from(tariffs)
    .where(
      and(
        eq(tariffs.companyId, ctx.actor.companyId),
        serviceCode !== undefined ? eq(tariffs.serviceCode, serviceCode) : undefined,
      ),
    )
    .orderBy(
      asc(tariffs.serviceCode),
      sql`${tariffs.townFrom} nulls first`,
      sql`${tariffs.townTo} nulls first`,
      sql`${tariffs.zone} nulls first`,
      asc(tariffs.weightFrom),
    )
    .limit(MAX_TARIFF_ROWS + 1);
  return {
    items: rows.slice(0, MAX_TARIFF_ROWS).map(({ companyId: _c, ...r }) => r),
    truncated: rows.length > MAX_TARIFF_ROWS,
  };
}

/** A town as the calculator compares it: the reference's own name, or a field error. */
async function referenceTown(db: Queryable, name: string | null | undefined, field: string) {
  if (!name) return null;
  const town = await resolveTown(db, { name });
  if (!town) throw new ValidationError("Город не найден в справочнике", { [field]: ["Город не найден в справочнике"] });
  return town.name;
}

const tariffView = (t: typeof tariffs.$inferSelect) => ({
  serviceCode: t.serviceCode,
  townFrom: t.townFrom,
  townTo: t.townTo,
  zone: t.zone,
  weightFrom: Number(t.weightFrom),
  weightTo: t.weightTo === null ? null : Number(t.weightTo),
  price: Number(t.price),
  extraPerKg: Number(t.extraPerKg),
  minDays: t.minDays,
  maxDays: t.maxDays,
});

async function assertService(tx: Queryable, companyId: number, code: number) {
  const [service] = await tx
    .select({ code: deliveryServices.code })
    .from(deliveryServices)
    .where(and(eq(deliveryServices.companyId, companyId), eq(deliveryServices.code, code)));
  if (!service) throw new ValidationError("Нет такой услуги", { serviceCode: ["Нет такой услуги"] });
}

export async function saveTariff({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const data = parseForm(tariffSchema, input);
  const companyId = ctx.actor.companyId;
  const townFrom = await referenceTown(ctx.db, data.townFrom, "townFrom");
  const townTo = await referenceTown(ctx.db, data.townTo, "townTo");
  const values = {
    serviceCode: data.serviceCode,
    townFrom,
    townTo,
    zone: data.zone,
    weightFrom: String(data.weightFrom),
    weightTo: data.weightTo === null ? null : String(data.weightTo),
    price: String(data.price),
    extraPerKg: String(data.extraPerKg ?? 0),
    minDays: data.minDays,
    maxDays: data.maxDays,
  };
  return ctx.db.transaction(async (tx) => {
    let before: typeof tariffs.$inferSelect | undefined;
    let id: number;
    if (data.id !== undefined) {
      [before] = await tx
        .select()
        .from(tariffs)
        .where(and(eq(tariffs.companyId, companyId), eq(tariffs.id, data.id)))
        .for("update");
      if (!before) throw new NotFoundError("Строка тарифа");
      await assertService(tx, companyId, data.serviceCode);
      const [row] = await tx
        .update(tariffs)
        .set(values)
        .where(and(eq(tariffs.companyId, companyId), eq(tariffs.id, data.id)))
        .returning();
      id = row!.id;
      const changes = diff(tariffView(before), tariffView(row!));
      if (Object.keys(changes).length === 0) return { id };
      await writeCompanyAudit(tx, ctx.actor, { section: "tariff", action: "update", subject: `Тариф #${id}`, changes });
    } else {
      await assertService(tx, companyId, data.serviceCode);
      const [row] = await tx
        .insert(tariffs)
        .values({ companyId, ...values })
        .returning();
      id = row!.id;
      await writeCompanyAudit(tx, ctx.actor, {
        section: "tariff",
        action: "create",
        subject: `Тариф #${id}`,
        changes: diff(null, tariffView(row!)),
      });
    }
    return { id };
  });
}

export async function deleteTariff({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { id } = parseForm(idSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(tariffs)
      .where(and(eq(tariffs.companyId, ctx.actor.companyId), eq(tariffs.id, id)))
      .returning();
    if (!row) throw new NotFoundError("Строка тарифа");
    await writeCompanyAudit(tx, ctx.actor, {
      section: "tariff",
      action: "delete",
      subject: `Тариф #${id}`,
      changes: diff(tariffView(row), null),
    });
    return { id };
  });
}

export async function listZones({ ctx }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  return ctx.db
    .select({ id: tariffZones.id, townFrom: tariffZones.townFrom, townTo: tariffZones.townTo, zone: tariffZones.zone })
    .from(tariffZones)
    .where(eq(tariffZones.companyId, ctx.actor.companyId))
    .orderBy(asc(tariffZones.townTo), sql`${tariffZones.townFrom} nulls first`)
    .limit(5000);
}

export async function saveZone({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const data = parseForm(zoneSchema, input);
  const companyId = ctx.actor.companyId;
  const townFrom = await referenceTown(ctx.db, data.townFrom, "townFrom");
  const townTo = (await referenceTown(ctx.db, data.townTo, "townTo"))!;
  const values = { townFrom, townTo, zone: data.zone };
  return ctx.db.transaction(async (tx) => {
    const [dup] = await tx
      .select({ id: tariffZones.id })
      .from(tariffZones)
      .where(
        and(
          eq(tariffZones.companyId, companyId),
          eq(tariffZones.townTo, townTo),
          townFrom === null ? sql`${tariffZones.townFrom} is null` : eq(tariffZones.townFrom, townFrom),
        ),
      );
    if (dup && dup.id !== data.id) {
      throw new ConflictError("Для этих городов зона уже задана", { townTo: ["Для этих городов зона уже задана"] });
    }
    if (data.id !== undefined) {
      const [before] = await tx
        .select()
        .from(tariffZones)
        .where(and(eq(tariffZones.companyId, companyId), eq(tariffZones.id, data.id)))
        .for("update");
      if (!before) throw new NotFoundError("Зона");
      await tx
        .update(tariffZones)
        .set(values)
        .where(and(eq(tariffZones.companyId, companyId), eq(tariffZones.id, data.id)));
      const { id: _i, companyId: _c, ...old } = before;
      const changes = diff(old, values);
      if (Object.keys(changes).length > 0)
        await writeCompanyAudit(tx, ctx.actor, {
          section: "zone",
          action: "update",
          subject: `Зона #${data.id}`,
          changes,
        });
      return { id: data.id };
    }
    const [row] = await tx
      .insert(tariffZones)
      .values({ companyId, ...values })
      .returning({ id: tariffZones.id });
    await writeCompanyAudit(tx, ctx.actor, {
      section: "zone",
      action: "create",
      subject: `Зона #${row!.id}`,
      changes: diff(null, values),
    });
    return { id: row!.id };
  });
}

export async function deleteZone({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { id } = parseForm(idSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(tariffZones)
      .where(and(eq(tariffZones.companyId, ctx.actor.companyId), eq(tariffZones.id, id)))
      .returning();
    if (!row) throw new NotFoundError("Зона");
    await writeCompanyAudit(tx, ctx.actor, {
      section: "zone",
      action: "delete",
      subject: `Зона #${id}`,
      changes: diff({ townFrom: row.townFrom, townTo: row.townTo, zone: row.zone }, null),
    });
    return { id };
  });
}
