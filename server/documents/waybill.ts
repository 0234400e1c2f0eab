import { code128Png } from "./barcode";
import {
  A4_MARGIN,
  drawImage,
  Flow,
  integer,
  money,
  openImage,
  rule,
  signatureLine,
  Table,
  textAt,
  weight,
} from "./pdf";

export interface WaybillParty {
  company: string;
  person: string;
  phone: string;
  town: string;
  address: string;
  zip: string;
}

export interface WaybillItem {
  name: string;
  article: string;
  quantity: number | string;
  price: number | string;
}

/** One order as its waybill shows it. */
export interface WaybillOrder {
  number: string;
  /** ДД.ММ.ГГГГ */
  date: string;
  /** Our company: the carrier (name and INN). */
  company: string;
  /** The carrier's address and phone (company requisites); empty when not filled in. */
  companyDetails?: string;
  client: string;
  /** The value of the Code 128 (printable ASCII), or null when there is none to print. */
  barcode: string | null;
  sender: WaybillParty;
  receiver: WaybillParty & { pvz: string };
  items: WaybillItem[];
  places: number;
  weight: number | string;
  cod: number | string;
  declaredValue: number | string;
  currency: string;
  enclosure: string;
  instruction: string;
}

/**
 * The waybill (накладная) of one order on A4 pages of its own: the heading with the barcode, sender and receiver,
 * the items (carried over to further pages when long), places, weight, COD and declared value, and the signatures
 * of the sender, the courier and the receiver.
 */
export function writeWaybill(doc: PDFKit.PDFDocument, o: WaybillOrder) {
  const flow = new Flow(doc, () => {
    textAt(doc, `Накладная № ${o.number} — продолжение`, flow.x, A4_MARGIN, flow.w, { size: 9, color: "#555555" });
    return A4_MARGIN + 18;
  });
  flow.firstPage();
  const { x, w } = flow;
  const top = flow.y;

  const barW = w * 0.36;
  if (o.barcode) {
    drawImage(doc, openImage(doc, code128Png(o.barcode)), { x: x + w - barW, y: top, w: barW, h: 40 });
    textAt(doc, o.barcode, x + w - barW, top + 41, barW, { size: 8, align: "center" });
  }
  const headW = w - barW - 12;
  let y = top;
  y += textAt(doc, `Накладная № ${o.number}`, x, y, headW, { size: 16, bold: true });
  y += textAt(doc, `от ${o.date}`, x, y + 2, headW, { size: 10 }) + 2;
  y += textAt(doc, `Перевозчик: ${o.company}`, x, y + 2, headW, { size: 9, lines: 2 }) + 2;
  if (o.companyDetails) y += textAt(doc, o.companyDetails, x, y + 1, headW, { size: 8, lines: 2 }) + 2;
  y += textAt(doc, `Клиент: ${o.client}`, x, y + 2, headW, { size: 9, lines: 2 }) + 2;
  flow.y = Math.max(y, top + 52) + 12;

  const colW = (w - 16) / 2;
  const partyH = Math.max(
    party(doc, "Отправитель", o.sender, x, flow.y, colW),
    party(doc, "Получатель", o.receiver, x + colW + 16, flow.y, colW),
  );
  flow.y += partyH + 14;

  textAt(doc, "Вложение", x, flow.y, w, { size: 10, bold: true });
  flow.y += 16;
  if (o.items.length === 0) {
    flow.y += textAt(doc, o.enclosure || "Товары не указаны", x, flow.y, w, { size: 9, lines: 3 }) + 8;
  } else {
    let n = 0;
    let total = 0;
    const table = new Table<WaybillItem & { n?: number }>(flow, [
      { title: "№", width: 4, align: "right", value: (r) => (r.n ? String(r.n) : "") },
      { title: "Наименование", width: 40, value: (r) => r.name },
      { title: "Артикул", width: 14, value: (r) => r.article },
      { title: "Кол-во", width: 9, align: "right", value: (r) => (r.n ? weight(r.quantity) : "") },
      { title: "Цена", width: 14, align: "right", value: (r) => (r.n ? money(r.price, o.currency) : "") },
      {
        title: "Сумма",
        width: 16,
        align: "right",
        value: (r) => money(r.n ? Number(r.quantity) * Number(r.price) : r.price, o.currency),
      },
    ]);
    for (const item of o.items) {
      table.row({ ...item, n: ++n });
      total += Number(item.quantity) * Number(item.price);
    }
    table.row({ name: "Итого", article: "", quantity: 0, price: total }, true);
    flow.y += 10;
  }

  const facts: [string, string][] = [
    ["Мест", integer(o.places)],
    ["Вес, кг", weight(o.weight)],
    ["Наложенный платёж", Number(o.cod) > 0 ? money(o.cod, o.currency) : "нет"],
    ["Объявленная ценность", money(o.declaredValue, o.currency)],
  ];
  if (o.instruction) facts.push(["Поручение", o.instruction]);
  flow.need(facts.length * 14 + 8);
  for (const [label, value] of facts) {
    textAt(doc, label, x, flow.y, w * 0.3, { size: 10, bold: true });
    flow.y += textAt(doc, value, x + w * 0.3, flow.y, w * 0.7, { size: 10, lines: 3 }) + 3;
  }
  flow.y += 14;

  const signers = ["Отправитель", "Курьер", "Получатель"];
  flow.need(signers.length * 36 + 30);
  for (const who of signers) {
    signatureLine(flow, who, x, w);
    flow.y += 36;
  }
  textAt(
    doc,
    "Груз получен, претензий к количеству мест и внешнему виду нет. Дата «___» __________ 20___ г.",
    x,
    flow.y + 4,
    w,
    {
      size: 8.5,
      lines: 2,
    },
  );
}

/** A party's block: its heading and what is known of it; returns its height. */
function party(
  doc: PDFKit.PDFDocument,
  title: string,
  p: WaybillParty & { pvz?: string },
  x: number,
  top: number,
  w: number,
) {
  let y = top;
  y += textAt(doc, title, x, y, w, { size: 10, bold: true }) + 2;
  rule(doc, x, y, w, 0.5, "#777777");
  y += 4;
  const lines: [string, string][] = [
    ["Компания", p.company],
    ["Контакт", p.person],
    ["Телефон", p.phone],
    ["Город", [p.zip, p.town].filter(Boolean).join(", ")],
    ["Адрес", p.address],
  ];
  if (p.pvz) lines.push(["ПВЗ", p.pvz]);
  for (const [label, value] of lines) {
    if (!value) continue;
    textAt(doc, label, x, y, w * 0.28, { size: 8.5, color: "#555555" });
    y += textAt(doc, value, x + w * 0.28, y, w * 0.72, { size: 8.5, lines: 3 }) + 1.5;
  }
  if (y === top) y += 10;
  return y - top;
}
