import { and, eq, inArray, type SQL } from "drizzle-orm";
import { companies, manifests, orders } from "@/db/schema";
import { ActWriter } from "@/server/documents/act";
import { type LabelOrder, LabelWriter } from "@/server/documents/labels";
import { newDocument, pdfStream, ruDate } from "@/server/documents/pdf";
import { type WaybillOrder, writeWaybill } from "@/server/documents/waybill";
import { assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { ConflictError, NotFoundError, ServiceError, ValidationError } from "../errors";
import { creatingBranch, responsibleBranch } from "../manifests/shared";
import { orderScope } from "../orders/scope";
import { labelBarcode } from "./barcode";
import { countOrders, type DocumentOrder, itemsOf, orderChunks } from "./load";
import {
  DOCUMENT_TITLES,
  type DocumentKind,
  documentRequestSchema,
  type DocumentRequest,
  LABEL_FORMAT_TITLES,
  type LabelFormat,
  MAX_LABELS,
} from "./schemas";

export interface OpenedDocument {
  /** The PDF, rendered as it is read. */
  stream: ReadableStream<Uint8Array>;
  /** The file's name: ASCII for old browsers, and the Russian title. */
  fileName: { ascii: string; title: string };
  orders: number;
  /** Labels in the file (label documents), else 0. */
  labels: number;
}

interface Subject {
  where: SQL;
  /** «заказ 123» / «манифест M-1» / «5 заказов» */
  title: string;
  ascii: string;
  manifestId?: number;
  number?: string;
}

/**
 * Our own document of an order, a manifest or a selection of orders: package labels (one per place, in the asked
 * format), waybills (one per order) or the manifest's act. Everything is checked before the first byte — the
 * orders exist and are the account's, the file is not too big — and the PDF is then rendered as it is read.
 */
export async function openDocument({ ctx, input }: ServiceCall<unknown>): Promise<OpenedDocument> {
  const req = documentRequestSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const subject = await findSubject(ctx, req);
  const count = await countOrders(ctx.db, subject.where);
  if (count.orders === 0) throw new ConflictError(`В манифесте ${subject.number} нет заказов: печатать нечего`);
  if (req.kind === "labels" && count.labels > MAX_LABELS) {
    const n = (v: number) => v.toLocaleString("ru-RU").replace(/\s/g, " ");
    throw new ValidationError(
      `В одном файле не больше ${n(MAX_LABELS)} этикеток, а здесь их ${n(count.labels)} (по одной на место): разбейте печать на части`,
    );
  }
  const [company] = await ctx.db
    .select({ name: companies.name, inn: companies.inn, address: companies.address, phone: companies.phone })
    .from(companies)
    .where(eq(companies.id, companyId));
  const carrier = carrierLines(company);

  const title = `${DOCUMENT_TITLES[req.kind]} — ${subject.title}`;
  const doc = newDocument(title);
  const chunks = orderChunks(ctx.db, companyId, subject.where);
  let steps: AsyncGenerator<unknown>;
  if (req.kind === "labels") steps = labelSteps(doc, req.format, chunks, carrier.label);
  else if (req.kind === "waybill") steps = waybillSteps(ctx, doc, chunks, carrier);
  else steps = actSteps(doc, chunks, await actHeader(ctx, subject.manifestId!, carrier.title));

  const format = req.kind === "labels" ? `-${req.format}` : "";
  return {
    stream: pdfStream(doc, steps),
    fileName: fileName(req.kind, subject, format, req.kind === "labels" ? LABEL_FORMAT_TITLES[req.format] : ""),
    orders: count.orders,
    labels: req.kind === "labels" ? count.labels : 0,
  };
}

async function findSubject(ctx: ServiceContext, req: DocumentRequest): Promise<Subject> {
  const scope = orderScope(ctx);
  if (req.orderId !== undefined) {
    const [o] = await ctx.db
      .select({ number: orders.number })
      .from(orders)
      .where(and(scope, eq(orders.id, req.orderId)));
    if (!o) throw new NotFoundError("Заказ");
    return { where: and(scope, eq(orders.id, req.orderId))!, title: `заказ ${o.number}`, ascii: `order-${o.number}` };
  }
  if (req.manifestId !== undefined) {
    // Manifests are the company's own business: a client account never sees one.
    assertStaff(ctx);
    const [m] = await ctx.db
      .select({ number: manifests.number })
      .from(manifests)
      .where(and(eq(manifests.companyId, ctx.actor.companyId), eq(manifests.id, req.manifestId)));
    if (!m) throw new NotFoundError("Манифест");
    return {
      where: and(scope, eq(orders.manifestId, req.manifestId))!,
      title: `манифест ${m.number}`,
      ascii: `manifest-${m.number}`,
      manifestId: req.manifestId,
      number: m.number,
    };
  }
  const ids = req.orderIds!;
  const where = and(scope, inArray(orders.id, ids))!;
  const found = await ctx.db.select({ id: orders.id }).from(orders).where(where);
  if (found.length < ids.length) {
    // Another company's order (or another client's) is as unknown as one that does not exist.
    const seen = new Set(found.map((r) => r.id));
    const missing = ids.filter((id) => !seen.has(id));
    const more = missing.length > 10 ? ` и ещё ${missing.length - 10}` : "";
    throw new ServiceError("NOT_FOUND", `Заказы не найдены: ${missing.slice(0, 10).join(", ")}${more}`);
  }
  if (ids.length === 1) {
    const [o] = await ctx.db.select({ number: orders.number }).from(orders).where(where);
    return { where, title: `заказ ${o!.number}`, ascii: `order-${o!.number}` };
  }
  return { where, title: `${ids.length} ${ordersWord(ids.length)}`, ascii: `${ids.length}-orders` };
}

const ordersWord = (n: number) => {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return "заказ";
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return "заказа";
  return "заказов";
};

const text = (...values: (string | null | undefined)[]) => values.find((v) => v && v.trim())?.trim() ?? "";

interface Carrier {
  /** Name and INN: the waybill's and the act's «Перевозчик». */
  title: string;
  /** Address and phone, the waybill's second carrier line. */
  details: string;
  /** A label has room for one short line: the name and the phone to call. */
  label: string;
}

/** The company's requisites («Настройки компании») as our documents print them; empty parts are left out. */
export function carrierLines(
  c: { name: string; inn: string | null; address: string | null; phone: string | null } | undefined,
): Carrier {
  const name = text(c?.name);
  const phone = text(c?.phone);
  return {
    title: [name, c?.inn ? `ИНН ${c.inn}` : ""].filter(Boolean).join(", "),
    details: [text(c?.address), phone ? `тел. ${phone}` : ""].filter(Boolean).join(", "),
    label: [name, phone].filter(Boolean).join(", "),
  };
}

/** The label's date: the day the parcel is picked up, else the day the order was made. */
const orderDate = (o: DocumentOrder) => ruDate(o.senderDate ?? o.createdAt);

export function labelOrder(o: DocumentOrder, company: string): LabelOrder {
  return {
    number: o.number,
    barcode: labelBarcode(o),
    company,
    sender: text(o.senderCompany, o.senderPerson, o.clientName),
    receiver: text(o.receiverPerson, o.receiverCompany),
    town: text(o.receiverTown),
    address: [o.receiverAddress, o.receiverPvz ? `ПВЗ ${o.receiverPvz}` : null].filter(Boolean).join(", "),
    phone: text(o.receiverPhone),
    cod: o.codAmount,
    currency: o.currency,
    date: orderDate(o),
    places: o.places,
  };
}

/** One step per chunk of orders: all their labels, each order's barcode drawn once. */
async function* labelSteps(
  doc: PDFKit.PDFDocument,
  format: LabelFormat,
  chunks: AsyncGenerator<DocumentOrder[]>,
  company: string,
) {
  const writer = new LabelWriter(doc, format);
  for await (const rows of chunks) {
    for (const o of rows) writer.add(labelOrder(o, company));
    yield;
  }
}

async function* waybillSteps(
  ctx: ServiceContext,
  doc: PDFKit.PDFDocument,
  chunks: AsyncGenerator<DocumentOrder[]>,
  carrier: Carrier,
) {
  for await (const rows of chunks) {
    const items = await itemsOf(
      ctx.db,
      ctx.actor.companyId,
      rows.map((r) => r.id),
    );
    for (const o of rows) {
      writeWaybill(doc, waybillOrder(o, carrier, items.get(o.id) ?? []));
      yield;
    }
  }
}

function waybillOrder(
  o: DocumentOrder,
  carrier: Carrier,
  items: { name: string; article: string | null; quantity: string; price: string }[],
): WaybillOrder {
  return {
    number: o.number,
    date: orderDate(o),
    company: carrier.title,
    companyDetails: carrier.details,
    client: o.clientName,
    barcode: labelBarcode(o),
    sender: {
      company: text(o.senderCompany, o.senderPerson ? null : o.clientName),
      person: text(o.senderPerson),
      phone: text(o.senderPhone),
      town: text(o.senderTown),
      address: text(o.senderAddress),
      zip: text(o.senderZip),
    },
    receiver: {
      company: text(o.receiverCompany),
      person: text(o.receiverPerson),
      phone: text(o.receiverPhone),
      town: text(o.receiverTown),
      address: text(o.receiverAddress),
      zip: text(o.receiverZip),
      pvz: text(o.receiverPvz),
    },
    items: items.map((i) => ({ name: i.name, article: i.article ?? "", quantity: i.quantity, price: i.price })),
    places: o.places,
    weight: o.weight,
    cod: o.codAmount,
    declaredValue: o.declaredValue,
    currency: o.currency,
    enclosure: text(o.enclosure),
    instruction: text(o.instruction),
  };
}

async function actHeader(ctx: ServiceContext, manifestId: number, company: string) {
  const [m] = await ctx.db
    .select({
      number: manifests.number,
      createdAt: manifests.createdAt,
      sendDate: manifests.sendDate,
      comment: manifests.comment,
      creating: creatingBranch.name,
      responsible: responsibleBranch.name,
      responsibleTown: responsibleBranch.town,
    })
    .from(manifests)
    .leftJoin(creatingBranch, eq(creatingBranch.id, manifests.creatingBranchId))
    .innerJoin(responsibleBranch, eq(responsibleBranch.id, manifests.responsibleBranchId))
    .where(and(eq(manifests.companyId, ctx.actor.companyId), eq(manifests.id, manifestId)));
  if (!m) throw new NotFoundError("Манифест");
  return {
    number: m.number,
    company,
    createdAt: ruDate(m.createdAt),
    sendDate: ruDate(m.sendDate),
    creatingBranch: text(m.creating),
    responsibleBranch: `${m.responsible} (${m.responsibleTown})`,
    comment: text(m.comment),
  };
}

async function* actSteps(
  doc: PDFKit.PDFDocument,
  chunks: AsyncGenerator<DocumentOrder[]>,
  header: Awaited<ReturnType<typeof actHeader>>,
) {
  const act = new ActWriter(doc, header);
  for await (const rows of chunks) {
    for (const o of rows) {
      act.row({
        number: o.number,
        receiver: text(o.receiverPerson, o.receiverCompany),
        town: text(o.receiverTown),
        places: o.places,
        weight: o.weight,
        cod: o.codAmount,
        declaredValue: o.declaredValue,
        currency: o.currency,
      });
    }
    yield;
  }
  act.finish();
}

function fileName(kind: DocumentKind, subject: Subject, format: string, formatTitle: string) {
  const ascii = `${kind}-${subject.ascii.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60)}${format}.pdf`;
  const title = `${DOCUMENT_TITLES[kind]} — ${subject.title}${formatTitle ? ` (${formatTitle})` : ""}.pdf`;
  // Path separators and the characters Windows refuses would make the browser rename or drop the name.
  // eslint-disable-next-line no-control-regex -- control characters are not allowed in a file name
  return { ascii, title: title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_") };
}
