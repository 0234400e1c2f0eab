import type { LabelFormat } from "@/server/services/documents/schemas";
import { code128Png } from "./barcode";
import { A4, type Box, drawImage, mm, money, openImage, type PdfImage, textAt } from "./pdf";

/** One order as its labels show it; the service has chosen the barcode and counted the places. */
export interface LabelOrder {
  number: string;
  /** The value of the Code 128 (printable ASCII), or null when the order has none a scanner could read back. */
  barcode: string | null;
  /** Our company: who carries the parcel. */
  company: string;
  sender: string;
  receiver: string;
  town: string;
  address: string;
  phone: string;
  cod: number | string;
  currency: string;
  /** ДД.ММ.ГГГГ */
  date: string;
  places: number;
}

/** Thermal labels are a page each; A4 takes a sheet of 2 × 4 labels of 105 × 74 mm (the common 8-up sheet). */
const THERMAL: Record<Exclude<LabelFormat, "a4">, [number, number]> = {
  "58x40": [mm(58), mm(40)],
  "100x100": [mm(100), mm(100)],
};
const SHEET = { columns: 2, rows: 4 };

/** Writes labels into `doc`, one per place, pages as it goes. */
export class LabelWriter {
  private written = 0;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly format: LabelFormat,
  ) {}

  /** How many labels so far. */
  get count() {
    return this.written;
  }

  /** All the order's labels «1 из N» … «N из N»; its barcode is drawn once and placed on each. */
  add(order: LabelOrder) {
    const image = order.barcode ? openImage(this.doc, code128Png(order.barcode)) : null;
    for (let place = 1; place <= order.places; place++) drawLabel(this.doc, this.nextBox(), order, place, image);
  }

  private nextBox(): Box {
    const doc = this.doc;
    const n = this.written++;
    if (this.format !== "a4") {
      const [w, h] = THERMAL[this.format];
      doc.addPage({ size: [w, h], margin: 0 });
      return { x: 0, y: 0, w, h };
    }
    const perSheet = SHEET.columns * SHEET.rows;
    const w = A4[0] / SHEET.columns;
    const h = A4[1] / SHEET.rows;
    if (n % perSheet === 0) {
      doc.addPage({ size: A4, margin: 0 });
      cutLines(doc, w, h);
    }
    const i = n % perSheet;
    return { x: (i % SHEET.columns) * w, y: Math.floor(i / SHEET.columns) * h, w, h };
  }
}

/** Where to cut a sheet printed on plain paper (label stock has its own cuts; the lines fall on them). */
function cutLines(doc: PDFKit.PDFDocument, w: number, h: number) {
  doc.save().lineWidth(0.3).strokeColor("#bbbbbb").dash(3, { space: 3 });
  for (let c = 1; c < SHEET.columns; c++) doc.moveTo(c * w, 0).lineTo(c * w, A4[1]);
  for (let r = 1; r < SHEET.rows; r++) doc.moveTo(0, r * h).lineTo(A4[0], r * h);
  doc.stroke().undash().restore();
}

/**
 * One label in its box, top to bottom: our company and the date, the barcode with its value, the order number and
 * the place, the receiver with town, address and phone, the COD, the sender. Sizes follow the box: the 58 × 40 mm
 * label is the unit, bigger ones scale up to 1.7 times.
 */
function drawLabel(doc: PDFKit.PDFDocument, b: Box, o: LabelOrder, place: number, image: PdfImage | null) {
  const k = Math.min(b.h / mm(40), b.w / mm(58), 2);
  // A square label has height to spare: a taller barcode and a little air between the lines.
  const square = b.h / b.w > 0.9;
  const gap = square ? 2 * k : 0;
  const pad = mm(2) * Math.min(k, 1.5);
  const x = b.x + pad;
  const w = b.w - 2 * pad;
  const small = 5.2 * k;
  const normal = 6.3 * k;
  const big = 7.8 * k;
  let y = b.y + pad * 0.8;

  textAt(doc, o.company, x, y, w * 0.68, { size: small, color: "#333333" });
  y += textAt(doc, o.date, x + w * 0.68, y, w * 0.32, { size: small, align: "right" });

  const barHeight = b.h * (square ? 0.28 : 0.22);
  if (image) {
    drawImage(doc, image, { x, y: y + 1, w, h: barHeight });
    y += barHeight + 1;
    y += textAt(doc, o.barcode!, x, y, w, { size: small, align: "center" });
  } else {
    // A number a scanner could not read back is not drawn at all: the label says so instead of a wrong barcode.
    textAt(doc, "Штрихкод не печатается: у заказа нет штрихкода из латиницы и цифр", x, y + barHeight / 3, w, {
      size: small,
      align: "center",
      lines: 2,
    });
    y += barHeight + small * 1.15 + 1;
  }

  y += gap;
  textAt(doc, `№ ${o.number}`, x, y, w * 0.58, { size: big, bold: true });
  y += textAt(doc, `Место ${place} из ${o.places}`, x + w * 0.58, y, w * 0.42, {
    size: big,
    bold: true,
    align: "right",
  });
  y += gap;
  y += textAt(doc, o.receiver || "Получатель не указан", x, y, w, { size: normal, bold: true });
  const where = [o.town, o.address].filter(Boolean).join(", ");
  y += textAt(doc, where || "Адрес не указан", x, y, w, { size: normal, lines: k > 1.5 ? 3 : 2 });
  if (o.phone) y += textAt(doc, `Тел.: ${o.phone}`, x, y, w, { size: normal });
  const cod = Number(o.cod) > 0 ? `Наложенный платёж: ${money(o.cod, o.currency)}` : "Без наложенного платежа";
  y += gap;
  y += textAt(doc, cod, x, y, w, { size: normal, bold: Number(o.cod) > 0 }) + gap;
  if (o.sender) textAt(doc, `Отправитель: ${o.sender}`, x, y, w, { size: small });
}
