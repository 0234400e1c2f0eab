import PDFDocument from "pdfkit";
import { FONT, registerFonts } from "./fonts";

/*
 * What every document shares: page sizes in points, a pdfkit document with our font, the barcode image, text that
 * keeps to its box, tables that carry over to the next page, and the PDF as a web stream that renders as it is read.
 */

export const mm = (v: number) => (v * 72) / 25.4;
export const A4: [number, number] = [595.28, 841.89];

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A document with our font registered and no page yet: each writer adds its own pages and sizes. */
export function newDocument(title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress: true,
    lang: "ru-RU",
    displayTitle: true,
    info: { Title: title, Creator: "Курьер-Хаб", Producer: "Курьер-Хаб" },
  });
  registerFonts(doc);
  doc.font(FONT.regular);
  return doc;
}

/** An image pdfkit has read once: drawn on many pages, it is stored in the file once. */
export type PdfImage = { readonly width: number; readonly height: number };

export function openImage(doc: PDFKit.PDFDocument, png: Buffer): PdfImage {
  return (doc as unknown as { openImage(src: Buffer): PdfImage }).openImage(png);
}

export function drawImage(doc: PDFKit.PDFDocument, image: PdfImage, box: Box) {
  doc.image(image as unknown as Buffer, box.x, box.y, { width: box.w, height: box.h });
}

export interface TextStyle {
  size: number;
  bold?: boolean;
  align?: "left" | "center" | "right";
  /** At most this many lines; the rest is cut with «…». */
  lines?: number;
  color?: string;
}

/** Text in a box of `width` at (x, y), never more than `lines` lines; returns the height it took. */
export function textAt(doc: PDFKit.PDFDocument, text: string, x: number, y: number, width: number, s: TextStyle) {
  doc.font(s.bold ? FONT.bold : FONT.regular).fontSize(s.size);
  const line = doc.currentLineHeight(true);
  const max = line * (s.lines ?? 1);
  const height = s.lines && s.lines > 1 ? Math.min(doc.heightOfString(text, { width }), max) : line;
  // A hair over the lines' height: pdfkit drops a line that ends a fraction of a point below the box.
  doc.fillColor(s.color ?? "black").text(text, x, y, {
    width,
    height: Math.max(height, line) + 0.5,
    ellipsis: true,
    align: s.align ?? "left",
    lineGap: 0,
  });
  return Math.max(height, line);
}

/** A thin horizontal line: a signature line, or the rule between a table's rows. */
export function rule(doc: PDFKit.PDFDocument, x: number, y: number, w: number, width = 0.5, color = "black") {
  doc
    .save()
    .lineWidth(width)
    .strokeColor(color)
    .moveTo(x, y)
    .lineTo(x + w, y)
    .stroke()
    .restore();
}

/** A4 page's printable area. */
export const A4_MARGIN = mm(14);

/**
 * The cursor of a document that runs over A4 pages: `need(h)` starts a new page (with `onPage`, the continuation
 * page's heading, which returns where the body may start) when `h` more points do not fit on this one.
 */
export class Flow {
  y = A4_MARGIN;
  readonly x = A4_MARGIN;
  readonly w = A4[0] - 2 * A4_MARGIN;
  readonly bottom = A4[1] - A4_MARGIN;
  private readonly pageBreaks: (() => void)[] = [];

  constructor(
    readonly doc: PDFKit.PDFDocument,
    private readonly onPage: (doc: PDFKit.PDFDocument) => number,
  ) {}

  /** The first page: the caller draws its own heading from `y`. */
  firstPage() {
    this.doc.addPage({ size: A4, margin: 0 });
    this.y = A4_MARGIN;
  }

  /** Room for `h` more points, or a new page; returns true when it turned the page. */
  need(h: number): boolean {
    if (this.y + h <= this.bottom) return false;
    this.doc.addPage({ size: A4, margin: 0 });
    this.y = this.onPage(this.doc);
    for (const f of this.pageBreaks) f();
    return true;
  }

  /** Something to redraw on every new page after the continuation heading (a table's header). */
  onBreak(f: () => void) {
    this.pageBreaks.push(f);
  }
}

export interface Column<Row> {
  title: string;
  /** A share of the table's width. */
  width: number;
  align?: "left" | "right" | "center";
  value: (row: Row) => string;
}

/** A table drawn row by row as rows come: a row that does not fit goes to a new page, which repeats the header. */
export class Table<Row> {
  private readonly widths: number[];

  constructor(
    private readonly flow: Flow,
    private readonly columns: Column<Row>[],
    private readonly size = 8,
  ) {
    const total = columns.reduce((s, c) => s + c.width, 0);
    this.widths = columns.map((c) => (c.width / total) * flow.w);
    flow.need(size * 6);
    this.header();
    flow.onBreak(() => this.header());
  }

  private header() {
    const { doc, x: left, w: width } = this.flow;
    let x = left;
    let h = 0;
    this.columns.forEach((c, i) => {
      const w = this.widths[i]!;
      const style = { size: this.size, bold: true, align: c.align, lines: 2 } as const;
      h = Math.max(h, textAt(doc, c.title, x + 2, this.flow.y + 2, w - 4, style));
      x += w;
    });
    rule(doc, left, this.flow.y + h + 4, width, 0.8);
    this.flow.y += h + 5;
  }

  row(row: Row, bold = false) {
    const { doc } = this.flow;
    const cells = this.columns.map((c) => c.value(row));
    doc.font(bold ? FONT.bold : FONT.regular).fontSize(this.size);
    const tallest = Math.max(...cells.map((t, i) => doc.heightOfString(t || " ", { width: this.widths[i]! - 4 })));
    const h = Math.min(tallest, doc.currentLineHeight(true) * 3) + 4;
    this.flow.need(h);
    let x = this.flow.x;
    cells.forEach((t, i) => {
      const w = this.widths[i]!;
      const style = { size: this.size, bold, align: this.columns[i]!.align, lines: 3 };
      textAt(doc, t, x + 2, this.flow.y + 2, w - 4, style);
      x += w;
    });
    this.flow.y += h;
    rule(doc, this.flow.x, this.flow.y, this.flow.w, 0.25, "#999999");
  }
}

/** «Сдал ____________ / ____________»: a signature and its transcript, with the caption under each line. */
export function signatureLine(flow: Flow, label: string, x: number, w: number, size = 9) {
  const { doc, y } = flow;
  const labelW = w * 0.28;
  textAt(doc, label, x, y + 8, labelW, { size, bold: true });
  const lineX = x + labelW;
  const signW = (w - labelW) * 0.42;
  rule(doc, lineX, y + 8 + size, signW);
  rule(doc, lineX + signW + 10, y + 8 + size, w - labelW - signW - 10);
  textAt(doc, "подпись", lineX, y + 10 + size, signW, { size: size - 2.5, align: "center", color: "#555555" });
  const name = "фамилия, инициалы";
  textAt(doc, name, lineX + signW + 10, y + 10 + size, w - labelW - signW - 10, {
    size: size - 2.5,
    align: "center",
    color: "#555555",
  });
}

/**
 * The document as a web stream that renders as it is read: each `steps.next()` writes some pages (a chunk of orders
 * read from the database), and the next step runs only when the reader has taken what came before — so a
 * 1,000-label file is never held whole, and a reader who goes away stops the rendering.
 */
export function pdfStream(doc: PDFKit.PDFDocument, steps: AsyncIterator<unknown>): ReadableStream<Uint8Array> {
  let written = 0;
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        doc.on("data", (chunk: Buffer) => {
          written += chunk.byteLength;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        });
        doc.on("end", () => controller.close());
        doc.on("error", (e: unknown) => controller.error(e));
      },
      async pull(controller) {
        if (finished) return;
        const before = written;
        try {
          // pdfkit writes a page when the next one starts: keep rendering until bytes actually come out.
          while (written === before) {
            const { done } = await steps.next();
            forget(doc);
            if (done) {
              finished = true;
              doc.end();
              return;
            }
            await new Promise((resolve) => setImmediate(resolve));
          }
        } catch (e) {
          finished = true;
          console.error("PDF rendering failed", e);
          controller.error(e);
          doc.destroy();
        }
      },
      async cancel() {
        finished = true;
        await steps.return?.();
        doc.destroy();
      },
    },
    { highWaterMark: 512 * 1024, size: (chunk) => chunk.byteLength },
  );
}

interface PdfkitInternals {
  _fontFamilies?: Record<string, { layoutCache?: object }>;
  _root: { data: { Pages: { data: { Kids: { data: object }[] } } } };
  _pageBuffer: unknown[];
}

const trimmedPages = new WeakMap<PDFKit.PDFDocument, number>();

/**
 * What pdfkit would keep to the end though it is written and done with, dropped after each step so a long file's
 * memory stays flat: the glyph layout of every word set so far (refilled as needed; the font's embedded subset is
 * kept apart and stays whole), and the dictionaries of pages already written — at the end pdfkit only names them
 * (`12 0 R`) in the page tree, so their references stay and their contents go.
 */
function forget(doc: PDFKit.PDFDocument) {
  const internals = doc as unknown as PdfkitInternals;
  for (const font of Object.values(internals._fontFamilies ?? {})) {
    if (font.layoutCache) font.layoutCache = Object.create(null);
  }
  const kids = internals._root.data.Pages.data.Kids;
  const written = kids.length - internals._pageBuffer.length;
  for (let i = trimmedPages.get(doc) ?? 0; i < written; i++) kids[i]!.data = {};
  trimmedPages.set(doc, Math.max(written, 0));
}

const number = (n: number, digits: number) =>
  n.toLocaleString("ru-RU", { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace(/\s/g, " ");

const CURRENCY_SIGNS: Record<string, string> = { RUB: "₽" };

/** 1 000,00 ₽ (ISO code for other currencies). Plain spaces: some thermal printers' drivers drop narrow ones. */
export const money = (v: number | string, currency = "RUB") =>
  `${number(Number(v) || 0, 2)} ${CURRENCY_SIGNS[currency] ?? currency}`;

/** 1,5 (kg) — up to three decimals, no trailing zeros. */
export const weight = (v: number | string) =>
  (Number(v) || 0).toLocaleString("ru-RU", { maximumFractionDigits: 3 }).replace(/\s/g, " ");

export const integer = (v: number) => number(v, 0);

/** ДД.ММ.ГГГГ from ГГГГ-ММ-ДД or a moment (Moscow time: the company's day). */
export function ruDate(v: string | Date | null | undefined): string {
  if (!v) return "";
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v.split("-").reverse().join(".");
  return new Date(v).toLocaleDateString("ru-RU", { timeZone: "Europe/Moscow" });
}
