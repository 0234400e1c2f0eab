import { PAPER, type PdfLine, type PdfPage } from "../shared/pdf";
import { isObject, type JsonObject } from "./validation";

/** What a print form needs of an order: its request as sent, plus what CDEK assigned. */
export interface PrintableOrder {
  cdekNumber: string;
  body: JsonObject;
  packages: JsonObject[];
  destination: string;
  cod: number;
  currency: string;
}

export type PrintKind = "orders" | "barcodes";
export type PaperFormat = keyof typeof PAPER;

function str(x: unknown): string {
  return typeof x === "string" || typeof x === "number" ? String(x) : "";
}

function party(x: unknown): string {
  if (!isObject(x)) return "—";
  const phones = Array.isArray(x.phones) ? x.phones.filter(isObject).map((p) => str(p.number)) : [];
  return [str(x.company), str(x.name), ...phones].filter(Boolean).join(", ") || "—";
}

function packageLine(p: JsonObject): string {
  const sides = [p.length, p.width, p.height].every((s) => typeof s === "number")
    ? `, ${str(p.length)}x${str(p.width)}x${str(p.height)} см`
    : "";
  return `Место ${str(p.number)}: ШК ${str(p.barcode)}, ${str(p.weight)} г${sides}`;
}

/** The waybill (квитанция): one A4 page per order and copy. */
function waybill(order: PrintableOrder, copy: number, copies: number): PdfPage {
  const b = order.body;
  const lines: PdfLine[] = [
    { text: "СДЭК — накладная к заказу", size: 16, bold: true },
    { text: `Номер заказа СДЭК: ${order.cdekNumber}`, size: 13, bold: true },
    { text: `Номер заказа ИМ: ${str(b.number) || "—"}` },
    { text: `Тариф: ${str(b.tariff_code)}` },
    { text: `Отправитель: ${party(b.sender)}` },
    { text: `Получатель: ${party(b.recipient)}` },
    { text: `Куда: ${order.destination}` },
    { text: `Наложенный платеж: ${order.cod} ${order.currency}` },
    { text: `Мест: ${order.packages.length}` },
    ...order.packages.map((p) => ({ text: packageLine(p) })),
    { text: `Экземпляр ${copy} из ${copies}`, size: 9 },
  ];
  return { ...PAPER.A4, lines };
}

/** A barcode label: one page of the chosen format per package and copy. */
function label(order: PrintableOrder, index: number, format: PaperFormat): PdfPage {
  const p = order.packages[index]!;
  const scale = PAPER[format].width / PAPER.A6.width;
  const size = (pt: number) => Math.max(6, Math.round(pt * scale));
  const lines: PdfLine[] = [
    { text: "СДЭК", size: size(18), bold: true },
    { text: str(p.barcode), size: size(16), bold: true },
    { text: `Заказ ${order.cdekNumber} / ИМ ${str(order.body.number) || "—"}`, size: size(9) },
    { text: `Место ${index + 1} из ${order.packages.length}, ${str(p.weight)} г`, size: size(9) },
    { text: `Получатель: ${party(order.body.recipient)}`, size: size(8) },
    { text: order.destination, size: size(8) },
  ];
  return { ...PAPER[format], lines };
}

export function printPages(
  kind: PrintKind,
  orders: PrintableOrder[],
  copies: number,
  format: PaperFormat = "A4",
): PdfPage[] {
  const pages: PdfPage[] = [];
  for (const order of orders)
    for (let copy = 1; copy <= copies; copy++) {
      if (kind === "orders") pages.push(waybill(order, copy, copies));
      else order.packages.forEach((_, i) => pages.push(label(order, i, format)));
    }
  return pages;
}
