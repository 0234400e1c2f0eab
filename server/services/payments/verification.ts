import { createHash } from "node:crypto";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import {
  clients,
  integrations,
  orders,
  paymentExports,
  paymentVerifications,
  remittanceLines,
  remittances,
  transfers,
} from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import { getPimPayVerificationStatus, sendPimPayVerification } from "../../integrators/pimpay/client";
import type { VerificationRow } from "../../integrators/pimpay/mappers";
import { assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { usableSettings } from "./pimpay";
import {
  listVerificationsSchema,
  MAX_VERIFICATION_ORDERS,
  previewVerificationSchema,
  sendVerificationSchema,
  verificationIdSchema,
  type PreviewVerificationInput,
  type SendVerificationInput,
} from "./report-schemas";

const PIMPAY_TIMEOUT_MS = 15_000;
/** «Доставлен», «Доставлен частично»: the recipient paid (the COD amount is what they paid). */
export const DELIVERED = ["COMPLETE", "PARTIALLY"] as const;
// Days are the courier's local (Moscow) calendar days, as the order search reads them.
const MSK = "+03:00";
// As ISO text: raw SQL parameters go to postgres-js untyped (cast to timestamptz in the query).
export const dayStart = (d: string) => new Date(`${d}T00:00:00${MSK}`).toISOString();
export const dayAfter = (d: string) => new Date(Date.parse(dayStart(d)) + 86_400_000).toISOString();

const cents = (v: string | number | null | undefined) => Math.round(Number(v ?? 0) * 100);
const rub = (c: number) => c / 100;
const moneyText = (c: number) =>
  (c / 100).toLocaleString("ru-RU", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

type Staff = ServiceContext;

export async function clientOf(ctx: Staff, clientId: number) {
  const [c] = await ctx.db
    .select({
      id: clients.id,
      name: clients.name,
      inn: clients.inn,
      paymentIntermediary: clients.paymentIntermediary,
    })
    .from(clients)
    .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, clientId)));
  if (!c) throw new NotFoundError("Клиент", "clientId");
  return c;
}

/** One row of the reconciliation as built from our records, with what the user should know about it. */
export interface PreviewRow {
  orderId: number;
  number: string;
  status: string;
  carrier: "cdek" | "own";
  cdekNumber: string | null;
  remittances: string | null;
  codAmount: number;
  fromRecipient: number;
  deliveryCost: number;
  cashFee: number;
  insurance: number;
  toPimpay: number;
  warnings: string[];
}

interface SourceRow extends Record<string, unknown> {
  id: number;
  number: string;
  status: string;
  cod_amount: string;
  delivery_price: string;
  cdek_code: string | null;
  cdek: boolean;
  collected: string | null;
  docs: string | null;
  sent: boolean;
  in_verification: string | null;
  in_status: string | null;
}

type Data = ReturnType<typeof previewVerificationSchema.parse>;

/**
 * The client's delivered COD orders of the period (by the day they were delivered) or the ones named, each with what
 * CDEK's remittance registries say of it, whether PimPay has it, and an earlier reconciliation it is already in.
 */
async function sourceRows(
  ctx: Staff,
  data: Data,
): Promise<{ rows: SourceRow[]; skipped: { orderId: number; reason: string }[] }> {
  const companyId = ctx.actor.companyId;
  const skipped: { orderId: number; reason: string }[] = [];
  let scope;
  if (data.orderIds) {
    const ids = [...new Set(data.orderIds)];
    const found = await ctx.db
      .select({ id: orders.id, clientId: orders.clientId, status: orders.status, cod: orders.codAmount })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), inArray(orders.id, ids)));
    // Another company's order (or another client's) is simply not there for this reconciliation.
    if (found.length !== ids.length || found.some((o) => o.clientId !== data.clientId))
      throw new NotFoundError("Заказ", "orderIds");
    for (const o of found) {
      if (cents(o.cod) <= 0) skipped.push({ orderId: o.id, reason: "без наложенного платежа" });
      else if (!(DELIVERED as readonly string[]).includes(o.status))
        skipped.push({ orderId: o.id, reason: "ещё не доставлен: денег от получателя нет" });
    }
    scope = sql`o.id in ${ids}`;
  } else {
    scope = sql`o.status_at >= ${dayStart(data.from!)}::timestamptz and o.status_at < ${dayAfter(data.to!)}::timestamptz`;
  }
  const rows = await ctx.db.execute<SourceRow>(sql`
    with seen as (
      select distinct on (r->>'orderId') (r->>'orderId') as oid, pv.external_id, pv.status
      from ${paymentVerifications} pv cross join jsonb_array_elements(pv.rows) r
      where pv.company_id = ${companyId} and pv.client_id = ${data.clientId} and pv.status in ('matched', 'pending')
      order by (r->>'orderId'), (pv.status = 'matched') desc, pv.id desc
    )
    select o.id::float8 as id, o.number, o.status, o.cod_amount, o.delivery_price,
      cd.code as cdek_code, coalesce(cd.found, false) as cdek,
      rl.collected, rl.docs,
      coalesce(pe.fingerprint is not null, false) as sent,
      seen.external_id as in_verification, seen.status as in_status
    from ${orders} o
    left join lateral (
      select t.partner_order_code as code, true as found from ${transfers} t
        join ${integrations} i on i.id = t.integration_id
      where t.company_id = o.company_id and t.order_id = o.id and i.integrator = 'cdek'
        and t.state in ('sent', 'submitted')
      limit 1
    ) cd on true
    left join lateral (
      select sum(l.cod_collected) as collected, string_agg(distinct r.number, ', ') as docs
      from ${remittanceLines} l join ${remittances} r on r.id = l.remittance_id
      where l.company_id = o.company_id and l.order_id = o.id
    ) rl on true
    left join ${paymentExports} pe on pe.order_id = o.id and pe.company_id = o.company_id
    left join seen on seen.oid = o.id::text
    where o.company_id = ${companyId} and o.client_id = ${data.clientId} and o.cod_amount > 0
      and o.status in ${[...DELIVERED]} and ${scope}
    order by o.id
    limit ${MAX_VERIFICATION_ORDERS + 1}`);
  return { rows: [...rows], skipped };
}

function buildRow(s: SourceRow, feePercent: number): PreviewRow {
  const warnings: string[] = [];
  const cod = cents(s.cod_amount);
  let pfr = cod;
  if (s.cdek) {
    // Money that came through CDEK: what CDEK's registry says it collected from the recipient, when it has paid.
    if (s.collected === null) warnings.push("СДЭК ещё не перечислил: заказа нет в загруженных реестрах");
    else {
      pfr = cents(s.collected);
      if (pfr !== cod)
        warnings.push(`СДЭК собрал ${moneyText(pfr)} ₽ (реестр № ${s.docs}), а наложенный платёж ${moneyText(cod)} ₽`);
    }
  }
  const dc = cents(s.delivery_price);
  const cs = Math.round((pfr * feePercent) / 100);
  const ins = 0;
  const ptp = pfr - dc - cs - ins;
  if (ptp < 0) warnings.push("К перечислению в PimPay меньше нуля: доставка дороже наложенного платежа");
  if (!s.sent) warnings.push("Заказ не передан в PimPay: PimPay отклонит эту строку");
  if (s.in_verification)
    warnings.push(
      `Уже в сверке ${s.in_verification} (${s.in_status === "matched" ? "подтверждена" : "ожидает ответа"})`,
    );
  return {
    orderId: s.id,
    number: s.number,
    status: s.status,
    carrier: s.cdek ? "cdek" : "own",
    cdekNumber: s.cdek_code,
    remittances: s.docs,
    codAmount: rub(cod),
    fromRecipient: rub(pfr),
    deliveryCost: rub(dc),
    cashFee: rub(cs),
    insurance: rub(ins),
    toPimpay: rub(ptp),
    warnings,
  };
}

/** What goes to PimPay: the order id PimPay knows the order by (ours, as the payments engine sends it). */
const pimpayRows = (rows: PreviewRow[]): VerificationRow[] =>
  rows.map((r) => ({
    orderId: String(r.orderId),
    toPimpay: r.toPimpay,
    fromRecipient: r.fromRecipient,
    deliveryCost: r.deliveryCost,
    cashFee: r.cashFee,
    insurance: r.insurance,
  }));

async function build(ctx: Staff, data: Data) {
  const client = await clientOf(ctx, data.clientId);
  const { rows: source, skipped } = await sourceRows(ctx, data);
  const truncated = source.length > MAX_VERIFICATION_ORDERS;
  const rows = source.slice(0, MAX_VERIFICATION_ORDERS).map((s) => buildRow(s, data.cashFeePercent));
  const sum = (f: (r: PreviewRow) => number) => rub(rows.reduce((t, r) => t + Math.round(f(r) * 100), 0));
  const totals = {
    codAmount: sum((r) => r.codAmount),
    fromRecipient: sum((r) => r.fromRecipient),
    deliveryCost: sum((r) => r.deliveryCost),
    cashFee: sum((r) => r.cashFee),
    insurance: sum((r) => r.insurance),
    toPimpay: sum((r) => r.toPimpay),
  };
  const difference = rub(cents(data.paymentOrder.sum) - cents(totals.toPimpay));
  const problems: string[] = [];
  if (!client.inn) problems.push("У клиента не указан ИНН: PimPay находит магазин по ИНН");
  if (!rows.length) problems.push("Нет доставленных заказов с наложенным платежом для сверки");
  if (truncated)
    problems.push(`Больше ${MAX_VERIFICATION_ORDERS} заказов: сократите период — одна сверка на платёжное поручение`);
  const digest = createHash("sha256")
    .update(JSON.stringify([client.inn, data.paymentOrder, pimpayRows(rows)]))
    .digest("hex");
  return { client, rows, skipped, totals, difference, sumMatches: difference === 0, problems, digest };
}

/**
 * «Сверка»: the rows for one payment order built from our own records — COD from the recipient (for an order handed
 * to CDEK, what CDEK's remittance registry says it collected, where it has paid), our delivery price, the cash fee at
 * the percent the user states (none by default), no insurance (we keep no insurance charge), and what remains to
 * PimPay — with each row's warnings and the rows' total against the payment order's sum. Writes nothing.
 */
export async function previewVerification({ ctx, input }: ServiceCall<PreviewVerificationInput>) {
  assertStaff(ctx);
  const data = previewVerificationSchema.parse(input);
  const built = await build(ctx, data);
  return { ...built, paymentOrder: data.paymentOrder, canSend: built.problems.length === 0 };
}

async function pimpayIntegrationId(db: Queryable, companyId: number) {
  const [row] = await db
    .select({ id: integrations.id })
    .from(integrations)
    .where(
      and(
        eq(integrations.companyId, companyId),
        eq(integrations.ownerKind, "company"),
        eq(integrations.integrator, "pimpay"),
      ),
    );
  if (!row) throw new ConflictError("PimPay не настроен: заполните настройки на вкладке «Интеграция»");
  return row.id;
}

const reasonOf = (e: unknown) => (e instanceof PartnerError ? e.message : null);

/**
 * «Отправить сверку»: the rows are built again here (never taken from the browser) and must be what the preview
 * showed; the reconciliation is stored as `sending` first, so a call that dies half-way is still on the list, then
 * PimPay's answer makes it `pending`, or `failed` with the reason.
 */
export async function sendVerification({ ctx, input }: ServiceCall<SendVerificationInput>) {
  assertStaff(ctx);
  const data = sendVerificationSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const built = await build(ctx, data);
  if (built.problems.length) throw new ValidationError(built.problems[0]!);
  if (data.digest && data.digest !== built.digest)
    throw new ConflictError("Данные изменились после просмотра: посмотрите сверку ещё раз и отправьте заново");
  const settings = await usableSettings(ctx.db, companyId);
  const integrationId = await pimpayIntegrationId(ctx.db, companyId);
  const po = data.paymentOrder;

  const created = await ctx.db.transaction(async (tx) => {
    // One live reconciliation per payment order of a client: a second one waits for the first to be refused.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`payment-verification:${companyId}:${data.clientId}`}))`,
    );
    const [live] = await tx
      .select({ externalId: paymentVerifications.externalId, status: paymentVerifications.status })
      .from(paymentVerifications)
      .where(
        and(
          eq(paymentVerifications.companyId, companyId),
          eq(paymentVerifications.clientId, data.clientId),
          eq(paymentVerifications.paymentOrderNumber, po.number),
          eq(paymentVerifications.paymentOrderDate, po.date),
          inArray(paymentVerifications.status, ["sending", "pending", "matched"]),
        ),
      )
      .limit(1);
    if (live)
      throw new ConflictError(
        `По платёжному поручению № ${po.number} от ${po.date} уже есть сверка ${live.externalId} (${STATUS_TITLES[live.status]})`,
      );
    const [row] = await tx
      .insert(paymentVerifications)
      .values({
        companyId,
        integrationId,
        clientId: data.clientId,
        tin: built.client.inn!,
        externalId: `pending-${Date.now()}`,
        paymentOrderNumber: po.number,
        paymentOrderDate: po.date,
        paymentOrderSum: po.sum.toFixed(2),
        rows: built.rows.map((r) => ({
          orderId: String(r.orderId),
          number: r.number,
          toPimpay: r.toPimpay,
          fromRecipient: r.fromRecipient,
          deliveryCost: r.deliveryCost,
          cashFee: r.cashFee,
          insurance: r.insurance,
        })),
        status: "sending",
      })
      .returning({ id: paymentVerifications.id });
    // Our id at PimPay: unique, and readable when PimPay's support asks about it.
    const externalId = `KH-${row!.id}`;
    await tx.update(paymentVerifications).set({ externalId }).where(eq(paymentVerifications.id, row!.id));
    return { id: row!.id, externalId };
  });

  let status: "pending" | "failed";
  let errors: string[] = [];
  try {
    const accepted = await sendPimPayVerification(
      settings,
      {
        tin: built.client.inn!,
        id: created.externalId,
        paymentOrder: { num: po.number, date: po.date, sum: po.sum },
        rows: pimpayRows(built.rows),
      },
      PIMPAY_TIMEOUT_MS,
    );
    status = accepted ? "pending" : "failed";
    if (!accepted) errors = ["PimPay не принял сверку (ответ false)"];
  } catch (e) {
    const reason = reasonOf(e);
    if (reason === null) {
      await ctx.db
        .update(paymentVerifications)
        .set({ status: "failed", errors: ["Сверка не отправлена: внутренняя ошибка"], checkedAt: new Date() })
        .where(eq(paymentVerifications.id, created.id));
      throw e;
    }
    status = "failed";
    errors = [reason];
  }
  const [saved] = await ctx.db
    .update(paymentVerifications)
    .set({ status, errors, checkedAt: new Date() })
    .where(eq(paymentVerifications.id, created.id))
    .returning();
  return summaryOf(saved!, built.client.name);
}

export const STATUS_TITLES: Record<string, string> = {
  sending: "отправляется",
  pending: "ожидает ответа PimPay",
  matched: "подтверждена",
  discarded: "отклонена",
  failed: "не отправлена",
};

type VerificationRecord = typeof paymentVerifications.$inferSelect;

function summaryOf(v: VerificationRecord, clientName: string) {
  const rows = v.rows as { toPimpay?: number }[];
  return {
    id: v.id,
    externalId: v.externalId,
    clientId: v.clientId,
    clientName,
    tin: v.tin,
    paymentOrder: { number: v.paymentOrderNumber, date: v.paymentOrderDate, sum: v.paymentOrderSum },
    rowCount: rows.length,
    rowsTotal: rub(rows.reduce((t, r) => t + cents(r.toPimpay), 0)),
    status: v.status,
    statusTitle: STATUS_TITLES[v.status] ?? v.status,
    errors: v.errors,
    createdAt: v.createdAt,
    checkedAt: v.checkedAt,
  };
}

async function verificationOf(ctx: Staff, id: number) {
  const [row] = await ctx.db
    .select({ v: paymentVerifications, clientName: clients.name })
    .from(paymentVerifications)
    .innerJoin(clients, eq(clients.id, paymentVerifications.clientId))
    .where(and(eq(paymentVerifications.companyId, ctx.actor.companyId), eq(paymentVerifications.id, id)));
  if (!row) throw new NotFoundError("Сверка");
  return row;
}

/**
 * «Обновить статус» (`getVerificationStatus`): PimPay's verdict — matched, or discarded with its errors; still
 * pending stays pending. A reconciliation that never reached PimPay has nothing to ask about.
 */
export async function refreshVerification({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = verificationIdSchema.parse(input);
  const { v, clientName } = await verificationOf(ctx, id);
  if (v.status === "failed" || v.status === "sending")
    throw new ConflictError("Сверка не дошла до PimPay: проверьте строки и отправьте её заново");
  const settings = await usableSettings(ctx.db, ctx.actor.companyId);
  let answer: Awaited<ReturnType<typeof getPimPayVerificationStatus>>;
  try {
    answer = await getPimPayVerificationStatus(settings, v.externalId, PIMPAY_TIMEOUT_MS);
  } catch (e) {
    const reason = reasonOf(e);
    if (reason === null) throw e;
    throw new ConflictError(`PimPay не ответил о сверке ${v.externalId}: ${reason}`);
  }
  const status = answer.status === "unknown" ? v.status : answer.status;
  const [saved] = await ctx.db
    .update(paymentVerifications)
    .set({ status, errors: status === "discarded" ? answer.errors : [], checkedAt: new Date() })
    .where(and(eq(paymentVerifications.companyId, ctx.actor.companyId), eq(paymentVerifications.id, id)))
    .returning();
  return summaryOf(saved!, clientName);
}

/** «Сверки PimPay»: the company's reconciliations, newest first, with status and PimPay's errors. */
export async function listVerifications({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = listVerificationsSchema.parse(input ?? {});
  const companyId = ctx.actor.companyId;
  if (q.clientId !== undefined) await clientOf(ctx, q.clientId);
  const rows = await ctx.db
    .select({ v: paymentVerifications, clientName: clients.name })
    .from(paymentVerifications)
    .innerJoin(clients, eq(clients.id, paymentVerifications.clientId))
    .where(
      and(
        eq(paymentVerifications.companyId, companyId),
        q.clientId !== undefined ? eq(paymentVerifications.clientId, q.clientId) : undefined,
        q.cursor ? lt(paymentVerifications.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(paymentVerifications.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit).map((r) => summaryOf(r.v, r.clientName));
  return { items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null };
}
