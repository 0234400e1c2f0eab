import { PassThrough, Readable } from "node:stream";
import { sql, type SQL } from "drizzle-orm";
import {
  clients,
  integrations,
  orders,
  paymentExports,
  paymentVerifications,
  remittanceLines,
  transfers,
} from "@/db/schema";
import { assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { statusTitle } from "../orders/statuses";
import { codViewSchema, type CodViewInput } from "./report-schemas";
import { clientOf, dayAfter, dayStart, DELIVERED } from "./verification";

/*
 * «Наложенный платёж»: for the COD orders created in the period, per client — COD expected (every order's COD),
 * collected (delivered orders' COD), remitted (what CDEK's registries say it collected for the orders handed to it,
 * plus the COD of delivered orders we carried ourselves: that money is in our hands), sent to PimPay (accepted by it)
 * and verified (in a reconciliation PimPay matched). All of it is summed in PostgreSQL.
 */

type Data = ReturnType<typeof codViewSchema.parse>;

/** The period's COD orders with what each one's money has been through; the base of the view and of the export. */
function orderFacts(companyId: number, data: Data, extra: SQL = sql``) {
  const client = data.clientId !== undefined ? sql`and o.client_id = ${data.clientId}` : sql``;
  return sql`
    with v as (
      select distinct on (r->>'orderId') (r->>'orderId') as oid, (r->>'fromRecipient')::numeric as amount,
        pv.external_id
      from ${paymentVerifications} pv cross join jsonb_array_elements(pv.rows) r
      where pv.company_id = ${companyId} and pv.status = 'matched' and pv.created_at >= ${dayStart(data.from)}::timestamptz
      order by r->>'orderId', pv.id desc
    )
    select o.id, o.number, o.status, o.client_id, o.cod_amount as cod,
      o.status in ${[...DELIVERED]} as delivered,
      c.payment_intermediary = 'pimpay' as via_pimpay,
      exists (
        select 1 from ${transfers} t join ${integrations} i on i.id = t.integration_id
        where t.company_id = o.company_id and t.order_id = o.id and i.integrator = 'cdek'
          and t.state in ('sent', 'submitted')
      ) as cdek,
      (select sum(l.cod_collected) from ${remittanceLines} l
        where l.company_id = o.company_id and l.order_id = o.id) as remitted,
      coalesce(pe.fingerprint is not null, false) as sent,
      v.amount as verified, v.external_id as verification
    from ${orders} o
      join ${clients} c on c.id = o.client_id
      left join ${paymentExports} pe on pe.order_id = o.id and pe.company_id = o.company_id
      left join v on v.oid = o.id::text
    where o.company_id = ${companyId} and o.cod_amount > 0
      and o.created_at >= ${dayStart(data.from)}::timestamptz and o.created_at < ${dayAfter(data.to)}::timestamptz ${client} ${extra}`;
}

interface AggregateRow extends Record<string, unknown> {
  client_id: number | null;
  orders: number;
  delivered: number;
  expected: string;
  collected: string;
  collected_cdek: string;
  remitted_cdek: string;
  collected_own: string;
  remitted: string;
  cdek_unremitted: number;
  cdek_differs: number;
  sent: string;
  delivered_not_sent: number;
  verified: string;
  sent_not_verified: number;
}

export interface CodViewRow {
  clientId: number | null;
  clientName: string;
  inn: string | null;
  viaPimpay: boolean;
  orders: number;
  delivered: number;
  expected: string;
  collected: string;
  remitted: string;
  collectedCdek: string;
  remittedCdek: string;
  sentToPimpay: string;
  verified: string;
  /** Delivered CDEK orders no registry has paid for yet / CDEK orders whose registry amount is not their COD. */
  cdekUnremitted: number;
  cdekDiffers: number;
  deliveredNotSent: number;
  sentNotVerified: number;
  mismatches: string[];
}

function mismatchesOf(r: AggregateRow): string[] {
  const out: string[] = [];
  if (r.collected_cdek !== r.remitted_cdek) {
    const parts = [
      r.cdek_unremitted && `не перечислено СДЭК заказов: ${r.cdek_unremitted}`,
      r.cdek_differs && `сумма СДЭК не равна наложенному платежу: ${r.cdek_differs}`,
    ].filter(Boolean);
    out.push(
      `Собрано СДЭК ${r.collected_cdek} ≠ перечислено ${r.remitted_cdek}${parts.length ? ` (${parts.join("; ")})` : ""}`,
    );
  }
  if (r.delivered_not_sent) out.push(`Доставлено, но не передано в PimPay: ${r.delivered_not_sent}`);
  if (r.sent_not_verified) out.push(`Передано в PimPay, но не сверено: ${r.sent_not_verified}`);
  return out;
}

async function aggregate(ctx: ServiceContext, data: Data) {
  const companyId = ctx.actor.companyId;
  const rows = await ctx.db.execute<AggregateRow>(sql`
    with f as (${orderFacts(companyId, data)})
    select f.client_id,
      count(*)::int as orders,
      (count(*) filter (where delivered))::int as delivered,
      sum(cod)::numeric(14, 2)::text as expected,
      coalesce(sum(cod) filter (where delivered), 0)::numeric(14, 2)::text as collected,
      coalesce(sum(cod) filter (where delivered and cdek), 0)::numeric(14, 2)::text as collected_cdek,
      coalesce(sum(remitted) filter (where cdek), 0)::numeric(14, 2)::text as remitted_cdek,
      coalesce(sum(cod) filter (where delivered and not cdek), 0)::numeric(14, 2)::text as collected_own,
      (coalesce(sum(remitted) filter (where cdek), 0) + coalesce(sum(cod) filter (where delivered and not cdek), 0))
        ::numeric(14, 2)::text as remitted,
      (count(*) filter (where delivered and cdek and remitted is null))::int as cdek_unremitted,
      (count(*) filter (where cdek and remitted is not null
        and remitted <> case when delivered then cod else 0 end))::int as cdek_differs,
      coalesce(sum(cod) filter (where sent), 0)::numeric(14, 2)::text as sent,
      (count(*) filter (where via_pimpay and delivered and not sent))::int as delivered_not_sent,
      coalesce(sum(verified), 0)::numeric(14, 2)::text as verified,
      (count(*) filter (where sent and delivered and verified is null))::int as sent_not_verified
    from f
    group by grouping sets ((f.client_id), ())`);
  return [...rows];
}

/** The COD view: one row per client with orders in the period, the totals row, and each row's mismatches. */
export async function codView({ ctx, input }: ServiceCall<CodViewInput>) {
  assertStaff(ctx);
  const data = codViewSchema.parse(input);
  // Another company's client is simply not there.
  if (data.clientId !== undefined) await clientOf(ctx, data.clientId);
  return build(ctx, data);
}

async function build(ctx: ServiceContext, data: Data) {
  const aggregates = await aggregate(ctx, data);
  const ids = aggregates.map((a) => a.client_id).filter((id): id is number => id !== null);
  const names = new Map<number, { name: string; inn: string | null; viaPimpay: boolean }>();
  if (ids.length) {
    const list = await ctx.db.execute<{ id: number; name: string; inn: string | null; via: boolean }>(sql`
      select id, name, inn, payment_intermediary = 'pimpay' as via from ${clients}
      where company_id = ${ctx.actor.companyId} and id in ${ids}`);
    for (const c of list) names.set(c.id, { name: c.name, inn: c.inn, viaPimpay: c.via });
  }
  const toRow = (a: AggregateRow): CodViewRow => {
    const c = a.client_id === null ? undefined : names.get(a.client_id);
    return {
      clientId: a.client_id,
      clientName: c?.name ?? "Итого",
      inn: c?.inn ?? null,
      viaPimpay: c?.viaPimpay ?? false,
      orders: a.orders,
      delivered: a.delivered,
      expected: a.expected,
      collected: a.collected,
      remitted: a.remitted,
      collectedCdek: a.collected_cdek,
      remittedCdek: a.remitted_cdek,
      sentToPimpay: a.sent,
      verified: a.verified,
      cdekUnremitted: a.cdek_unremitted,
      cdekDiffers: a.cdek_differs,
      deliveredNotSent: a.delivered_not_sent,
      sentNotVerified: a.sent_not_verified,
      mismatches: mismatchesOf(a),
    };
  };
  const rows = aggregates
    .filter((a) => a.client_id !== null)
    .map(toRow)
    .sort((x, y) => x.clientName.localeCompare(y.clientName, "ru"));
  const total = aggregates.find((a) => a.client_id === null);
  return {
    period: { from: data.from, to: data.to },
    rows,
    // With no orders PostgreSQL still answers the grand total row of an empty group, with nulls.
    totals: total && total.orders ? toRow(total) : null,
  };
}

interface OrderLine extends Record<string, unknown> {
  id: string;
  number: string;
  status: string;
  client_id: number;
  cod: string;
  delivered: boolean;
  cdek: boolean;
  remitted: string | null;
  sent: boolean;
  verified: string | null;
  verification: string | null;
}

const EXPORT_PAGE = 2000;

const num = (v: string | null) => (v === null ? null : Number(v));

/**
 * «Скачать xlsx»: the view as a workbook streamed as it is written (exceljs' WorkbookWriter): «Свод» with the clients,
 * the totals and the mismatches, «Заказы» with every COD order of the period read page by page (never all at once).
 * The view is computed before the first byte, so a bad request or a foreign client is refused as an error.
 */
export async function exportCodView({ ctx, input }: ServiceCall<CodViewInput>) {
  assertStaff(ctx);
  const data = codViewSchema.parse(input);
  if (data.clientId !== undefined) await clientOf(ctx, data.clientId);
  const view = await build(ctx, data);
  const { default: ExcelJS } = await import("exceljs");
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "Курьер-Хаб";

  const write = async () => {
    const sum = wb.addWorksheet("Свод");
    sum.columns = [
      { header: "Клиент", key: "client", width: 32 },
      { header: "ИНН", key: "inn", width: 14 },
      { header: "Заказов", key: "orders", width: 9 },
      { header: "Доставлено", key: "delivered", width: 11 },
      { header: "Ожидается НП", key: "expected", width: 14, style: { numFmt: "#,##0.00" } },
      { header: "Собрано", key: "collected", width: 14, style: { numFmt: "#,##0.00" } },
      { header: "Перечислено", key: "remitted", width: 14, style: { numFmt: "#,##0.00" } },
      { header: "Передано в PimPay", key: "sent", width: 16, style: { numFmt: "#,##0.00" } },
      { header: "Сверено", key: "verified", width: 14, style: { numFmt: "#,##0.00" } },
      { header: "Расхождения", key: "mismatches", width: 70 },
    ];
    sum.getRow(1).font = { bold: true };
    const line = (r: CodViewRow) => ({
      client: r.clientName,
      inn: r.inn ?? "",
      orders: r.orders,
      delivered: r.delivered,
      expected: Number(r.expected),
      collected: Number(r.collected),
      remitted: Number(r.remitted),
      sent: Number(r.sentToPimpay),
      verified: Number(r.verified),
      mismatches: r.mismatches.join("; "),
    });
    for (const r of view.rows) {
      const row = sum.addRow(line(r));
      if (r.mismatches.length)
        row.getCell("mismatches").fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFDE68A" } };
      row.commit();
    }
    if (view.totals) {
      const row = sum.addRow(line(view.totals));
      row.font = { bold: true };
      row.commit();
    }
    sum.commit();

    const detail = wb.addWorksheet("Заказы");
    detail.columns = [
      { header: "Заказ", key: "id", width: 10 },
      { header: "Номер", key: "number", width: 16 },
      { header: "Клиент", key: "client", width: 28 },
      { header: "Статус", key: "status", width: 22 },
      { header: "Перевозчик", key: "carrier", width: 12 },
      { header: "НП", key: "cod", width: 12, style: { numFmt: "#,##0.00" } },
      { header: "Перечислено СДЭК", key: "remitted", width: 16, style: { numFmt: "#,##0.00" } },
      { header: "В PimPay", key: "sent", width: 9 },
      { header: "Сверено", key: "verified", width: 12, style: { numFmt: "#,##0.00" } },
      { header: "Сверка", key: "verification", width: 10 },
    ];
    detail.getRow(1).font = { bold: true };
    const clientNames = new Map(view.rows.map((r) => [r.clientId, r.clientName]));
    let after = 0;
    for (;;) {
      const page = await ctx.db.execute<OrderLine>(sql`
        select * from (${orderFacts(ctx.actor.companyId, data, sql`and o.id > ${after}`)}) f
        order by f.id limit ${EXPORT_PAGE}`);
      for (const o of page) {
        detail
          .addRow({
            id: Number(o.id),
            number: o.number,
            client: clientNames.get(o.client_id) ?? "",
            status: statusTitle(o.status),
            carrier: o.cdek ? "СДЭК" : "свой",
            cod: Number(o.cod),
            remitted: num(o.remitted),
            sent: o.sent ? "да" : "нет",
            verified: num(o.verified),
            verification: o.verification ?? "",
          })
          .commit();
      }
      if (page.length < EXPORT_PAGE) break;
      after = Number(page[page.length - 1]!.id);
    }
    detail.commit();
    await wb.commit();
  };
  write().catch((e: unknown) => {
    console.error(e);
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  const name = `cod-${data.from}-${data.to}.xlsx`;
  return {
    stream: Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>,
    fileName: { ascii: name, title: `Наложенный платёж ${data.from} — ${data.to}.xlsx` },
    clients: view.rows.length,
  };
}
