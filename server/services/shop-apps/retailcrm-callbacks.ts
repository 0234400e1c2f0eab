import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { branches, inboundOrders, integrations, orders, shopAppInstalls } from "@/db/schema";
import {
  calculateAnswer,
  calculateInput,
  calculateRequestSchema,
  getAnswer,
  mapSaveToOrder,
  printDeliveryIds,
  saveRequestSchema,
  tariffListAnswer,
} from "@/server/integrators/retailcrm/mappers";
import { PLATE_PRINT_LIMIT, PLATES } from "@/server/integrators/retailcrm/module";
import type { RetailCrmSettings } from "@/server/integrators/retailcrm/settings";
import type { Actor, ServiceContext } from "../context";
import { openDocument, type OpenedDocument } from "../documents/open";
import { ServiceError, ValidationError, type FieldErrors } from "../errors";
import { loadPartner } from "../exchange/partner";
import { writeAudit } from "../integrations/shared";
import { createOrdersBatch } from "../orders/create-batch";
import { cancelOrder } from "../orders/lifecycle";
import { editApiOrder } from "../orders/update";
import { CalculatorError, calculateDelivery, listDeliveryServices } from "../tariffs";
import { crmUrlSchema } from "./retailcrm-schemas";
import { installByClientId } from "./retailcrm";

export const CALLBACK_ACTIONS = ["calculate", "save", "get", "delete", "print", "activity", "tariffList"] as const;
export type CallbackAction = (typeof CALLBACK_ACTIONS)[number];

/** What a callback answers: the CRM's JSON envelope with its HTTP status, or a printed file. */
export type CallbackAnswer = { status: number; json: Record<string, unknown> } | { status: 200; file: OpenedDocument };

const ok = (result?: unknown): CallbackAnswer => ({
  status: 200,
  json: result === undefined ? { success: true } : { success: true, result },
});
/** A business refusal: 200 with `success: false` and the reason the CRM user reads (as RetailCRM's own module does). */
const refuse = (errorMsg: string, status = 200): CallbackAnswer => ({ status, json: { success: false, errorMsg } });

function reasonOf(fieldErrors: FieldErrors | undefined, fallback: string): string {
  const list = Object.values(fieldErrors ?? {}).flat();
  return list.length ? [...new Set(list)].join("; ").slice(0, 1000) : fallback;
}

interface Connection {
  installId: number;
  integrationId: number;
  companyId: number;
  clientId: number;
  settings: RetailCrmSettings;
  ctx: ServiceContext;
}

/**
 * The connection a callback's clientId names, linked to a client and switched on; or the answer to give instead
 * (unknown clientId 403 as RetailCRM's own authenticator does; a connection not usable yet explains itself).
 */
async function connectionOf(db: Queryable, clientId: unknown): Promise<Connection | CallbackAnswer> {
  const install = await installByClientId(db, clientId);
  if (!install) return refuse("Неизвестный clientId: модуль не подключён", 403);
  if (install.integrationId === null)
    return refuse("Модуль не привязан к клиенту курьерской службы: откройте настройки модуля и войдите");
  const p = await loadPartner(db, install.integrationId).catch(() => null);
  if (!p || p.clientId === null)
    return refuse("Подключение к курьерской службе не настроено: откройте настройки модуля");
  if (!p.enabled) return refuse("Модуль отключён в кабинете курьерской службы (раздел «Приложения»)");
  const actor: Actor = { type: "client", companyId: p.companyId, clientId: p.clientId };
  return {
    installId: install.id,
    integrationId: p.id,
    companyId: p.companyId,
    clientId: p.clientId,
    settings: p.settings as RetailCrmSettings,
    ctx: { db, actor },
  };
}

const isAnswer = (v: Connection | CallbackAnswer): v is CallbackAnswer => "status" in v;

function parseField(fields: Record<string, string>, name: string): unknown {
  const raw = fields[name];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return Symbol.for("bad-json");
  }
}

/**
 * One RetailCRM callback (retailcrm.md §5): `fields` are the form fields (POST) or query parameters (GET). Every
 * action but `activity` runs as the connection's client, through the same services as every other door.
 */
export async function retailCrmCallback(
  db: Database,
  action: string,
  fields: Record<string, string>,
): Promise<CallbackAnswer> {
  if (!(CALLBACK_ACTIONS as readonly string[]).includes(action)) return refuse("Неизвестное действие", 404);
  if (action === "activity") return activity(db, fields);
  const conn = await connectionOf(db, fields.clientId);
  if (isAnswer(conn)) return conn;
  switch (action as CallbackAction) {
    case "calculate":
      return calculate(conn, parseField(fields, "calculate"));
    case "tariffList":
      return ok(tariffListAnswer(await listDeliveryServices(db, conn.companyId)));
    case "save":
      return save(db, conn, parseField(fields, "save"));
    case "get":
      return get(conn, fields.deliveryId);
    case "delete":
      return remove(conn, parseField(fields, "delete"));
    case "print":
      return print(conn, parseField(fields, "print"));
    default:
      return refuse("Неизвестное действие", 404);
  }
}

/** `activity` (§5.1): the module switched off, on or frozen in the CRM; its address may have moved. */
async function activity(db: Database, fields: Record<string, string>): Promise<CallbackAnswer> {
  const install = await installByClientId(db, fields.clientId);
  if (!install) return refuse("Неизвестный clientId: модуль не подключён", 403);
  const body = parseField(fields, "activity") as { active?: unknown; freeze?: unknown } | undefined;
  if (!body || typeof body !== "object" || typeof body.active !== "boolean")
    return refuse("В поле activity нет признака active");
  const on = body.active && body.freeze !== true;
  const moved = crmUrlSchema.safeParse(fields.systemUrl);
  await db.transaction(async (tx) => {
    if (moved.success && moved.data !== install.shop) {
      await tx
        .update(shopAppInstalls)
        .set({ shop: moved.data, updatedAt: sql`now()` })
        .where(eq(shopAppInstalls.id, install.id));
    }
    if (install.integrationId === null) return;
    const [row] = await tx.select().from(integrations).where(eq(integrations.id, install.integrationId)).for("update");
    if (!row) return;
    const settings = moved.success ? { ...row.settings, crmUrl: moved.data } : row.settings;
    await tx
      .update(integrations)
      .set({ enabled: on, settings, updatedAt: sql`now()` })
      .where(eq(integrations.id, row.id));
    if (row.enabled !== on) {
      await writeAudit(
        tx,
        { type: "system", companyId: row.companyId, job: "RetailCRM" },
        {
          clientId: row.clientId,
          integrationId: row.id,
          integrator: row.integrator,
          action: on ? "enabled" : "disabled",
          detail: body.freeze === true ? "заморожен в RetailCRM" : on ? "включён в RetailCRM" : "выключен в RetailCRM",
        },
      );
    }
  });
  return ok();
}

/** The town orders leave from when the CRM names none: the company's first branch. */
async function homeTown(db: Queryable, companyId: number): Promise<string | null> {
  const [b] = await db
    .select({ town: branches.town })
    .from(branches)
    .where(eq(branches.companyId, companyId))
    .orderBy(asc(branches.id))
    .limit(1);
  return b?.town ?? null;
}

/** `calculate` (§5.2): our own calculator and tariffs, the same the XML API's `calculator` answers with. */
async function calculate(conn: Connection, raw: unknown): Promise<CallbackAnswer> {
  const r = calculateRequestSchema.safeParse(raw);
  if (!r.success) return refuse(`Запрос расчёта не разобран: ${r.error.issues[0]?.message ?? "неверный формат"}`);
  const input = calculateInput(r.data, { townFrom: await homeTown(conn.ctx.db, conn.companyId) });
  try {
    const results = await calculateDelivery({ ctx: conn.ctx, input });
    if (results.length === 0) return refuse("Тарифы в курьерской службе не настроены: обратитесь в службу доставки");
    return ok(calculateAnswer(results));
  } catch (e) {
    if (e instanceof CalculatorError) {
      return refuse(
        e.reason === "noTariff"
          ? `Тарифы в курьерской службе не настроены для этого направления: ${e.message}`
          : `Стоимость не рассчитана: ${e.message}`,
      );
    }
    throw e;
  }
}

/**
 * `save` (§5.3): creates the order, or edits it while the courier has not started; idempotent on the CRM's order (a
 * repeated save never makes a second order: the import row is locked first). Refusals keep the reason on the row.
 */
async function save(db: Database, conn: Connection, raw: unknown): Promise<CallbackAnswer> {
  const r = saveRequestSchema.safeParse(raw);
  if (!r.success) return refuse(`Заказ не разобран: ${r.error.issues[0]?.message ?? "неверный формат"}`);
  const tariffCodes = new Set((await listDeliveryServices(db, conn.companyId)).map((s) => String(s.code)));
  const s = conn.settings;
  const mapped = mapSaveToOrder(r.data, {
    useArticles: s.useArticles,
    codPaymentTypes: s.codPaymentTypes,
    defaultTariff: s.defaultTariff,
    tariffCodes,
  });
  return db.transaction(async (tx) => {
    const ctx = { ...conn.ctx, db: tx };
    await tx
      .insert(inboundOrders)
      .values({
        companyId: conn.companyId,
        integrationId: conn.integrationId,
        partnerOrderId: mapped.crmOrderId,
        number: mapped.number,
        state: "error",
        error: "Принимается",
      })
      .onConflictDoNothing({ target: [inboundOrders.integrationId, inboundOrders.partnerOrderId] });
    const [row] = await tx
      .select()
      .from(inboundOrders)
      .where(
        and(eq(inboundOrders.integrationId, conn.integrationId), eq(inboundOrders.partnerOrderId, mapped.crmOrderId)),
      )
      .for("update");
    const mark = (values: Partial<typeof inboundOrders.$inferInsert>) =>
      tx
        .update(inboundOrders)
        .set({ number: mapped.number, updatedAt: new Date(), ...values })
        .where(eq(inboundOrders.id, row!.id));

    if (!row!.orderId) {
      if (s.paused) {
        const why = "Курьерская служба не принимает заказы: в «Автоматизации» включено «Не принимать заказы»";
        await mark({ state: "error", error: why });
        return refuse(why);
      }
      const [res] = await createOrdersBatch({
        ctx,
        input: { orders: [mapped.order], source: "api", clientId: conn.clientId },
      });
      if (!res?.ok) {
        const why =
          res?.reason === "invalid"
            ? reasonOf(res.fieldErrors, "Заказ не прошёл проверку")
            : res?.reason === "duplicate"
              ? `Заказ с номером ${mapped.number} уже есть в курьерской службе`
              : "Заказ не создан";
        await mark({ state: "error", error: why });
        return refuse(why);
      }
      await mark({ state: "imported", orderId: res.id, error: null });
      // A new order is NEW with what was just written: no need to read it back.
      return ok(
        savedAnswer(conn, {
          id: res.id,
          number: res.number,
          barcode: res.barcode,
          status: "NEW",
          deliveryPrice: res.deliveryPrice,
        }),
      );
    }
    try {
      await editApiOrder({ ctx, input: { id: row!.orderId, order: mapped.order } });
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      const why = e instanceof ValidationError ? reasonOf(e.fieldErrors, e.message) : e.message;
      // The order stays as it was; the CRM user reads why (the courier already works it, or a field is wrong).
      return refuse(`Изменения не приняты: ${why}`);
    }
    await mark({ state: "updated", error: null });
    return ok(await saved(tx, conn, row!.orderId));
  });
}

async function orderView(db: Queryable, companyId: number, orderId: number) {
  const [o] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.companyId, companyId), eq(orders.id, orderId)));
  return o;
}

/** `save`'s result: our id for the delivery (RetailCRM keeps it as `delivery.data.externalId`), track and status. */
function savedAnswer(
  conn: Connection,
  o: { id: number; number: string; barcode: string | null; status: string; deliveryPrice: number | string },
) {
  const code = conn.settings.statusMap[o.status as keyof RetailCrmSettings["statusMap"]];
  return {
    deliveryId: String(o.id),
    trackNumber: o.barcode?.trim() || o.number,
    ...(code ? { status: code } : {}),
    cost: Number(o.deliveryPrice),
  };
}

async function saved(db: Queryable, conn: Connection, orderId: number) {
  const o = await orderView(db, conn.companyId, orderId);
  return o ? savedAnswer(conn, o) : { deliveryId: String(orderId), trackNumber: String(orderId) };
}

/** Our orders behind the CRM's deliveryIds, this connection's only (another's id is simply unknown). */
async function deliveriesOf(conn: Connection, ids: string[]) {
  const numeric = ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
  if (numeric.length === 0) return [];
  const rows = await conn.ctx.db
    .select({ orderId: inboundOrders.orderId })
    .from(inboundOrders)
    .where(and(eq(inboundOrders.integrationId, conn.integrationId), inArray(inboundOrders.orderId, numeric)));
  return rows.map((r) => r.orderId!).filter((id) => id !== null);
}

/** `get` (§5.4). */
async function get(conn: Connection, deliveryId: unknown): Promise<CallbackAnswer> {
  const [id] = await deliveriesOf(conn, typeof deliveryId === "string" ? [deliveryId] : []);
  const o = id ? await orderView(conn.ctx.db, conn.companyId, id) : undefined;
  if (!o) return refuse("Доставка не найдена", 404);
  return ok(
    getAnswer(
      {
        deliveryId: String(o.id),
        number: o.number,
        barcode: o.barcode,
        status: o.status,
        statusAt: o.statusAt,
        deliveryPrice: Number(o.deliveryPrice),
        serviceCode: o.serviceCode,
        receiver: {
          town: o.receiverTown,
          address: o.receiverAddress,
          zip: o.receiverZip,
          date: o.receiverDate,
          timeMin: o.receiverTimeMin,
          timeMax: o.receiverTimeMax,
        },
      },
      conn.settings.statusMap,
    ),
  );
}

/** `delete` (§5.5): the lifecycle's one cancel verb (here, or at the partner the order was handed to). */
async function remove(conn: Connection, raw: unknown): Promise<CallbackAnswer> {
  const deliveryId = (raw as { deliveryId?: unknown } | undefined)?.deliveryId;
  const [id] = await deliveriesOf(conn, deliveryId === undefined ? [] : [String(deliveryId)]);
  if (!id) return refuse("Доставка не найдена", 404);
  try {
    await cancelOrder({ ctx: conn.ctx, input: { id, source: "api" } });
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    return refuse(`Доставка не отменена: ${e.message}`);
  }
  return ok();
}

/** `print` (§5.6): our own labels or waybills of the named deliveries, as one PDF. */
async function print(conn: Connection, raw: unknown): Promise<CallbackAnswer> {
  let req;
  try {
    req = printDeliveryIds(raw);
  } catch (e) {
    return refuse((e as Error).message);
  }
  if (!PLATES.some((p) => p.code === req.type)) return refuse(`Документ «${req.type}» модуль не печатает`);
  if (req.deliveryIds.length > PLATE_PRINT_LIMIT)
    return refuse(`За один раз — не больше ${PLATE_PRINT_LIMIT} доставок`);
  const ids = await deliveriesOf(conn, req.deliveryIds);
  if (ids.length !== req.deliveryIds.length) return refuse("Не все доставки найдены", 404);
  try {
    const file = await openDocument({
      ctx: conn.ctx,
      input: { kind: req.type === "waybill" ? "waybill" : "labels", orderIds: ids },
    });
    return { status: 200, file };
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    return refuse(`Документ не напечатан: ${e.message}`);
  }
}
