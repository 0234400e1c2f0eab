import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import type { ServiceCall, ServiceContext } from "../context";
import { exportOrdersSchema, type ExportFormat, type ExportOrdersInput } from "./export-schemas";
import { orderPage, type OrderPageQuery } from "./list";
import { statusTitle } from "./statuses";

/** Orders read per statement: big enough to be few statements, small enough that memory does not grow with the file. */
export const EXPORT_PAGE = 2000;

type Row = Awaited<ReturnType<typeof orderPage>>[number];

const COLUMNS: { header: string; key: string; width: number; numFmt?: string; value: (o: Row) => unknown }[] = [
  { header: "Номер", key: "number", width: 16, value: (o) => o.number },
  { header: "Штрихкод", key: "barcode", width: 16, value: (o) => o.barcode ?? "" },
  { header: "Создан", key: "created", width: 17, numFmt: "dd.mm.yyyy hh:mm", value: (o) => wallClock(o.createdAt) },
  { header: "Статус", key: "status", width: 22, value: (o) => statusTitle(o.status) },
  { header: "Клиент", key: "client", width: 24, value: (o) => o.clientName },
  { header: "Получатель", key: "person", width: 28, value: (o) => o.receiverPerson ?? "" },
  { header: "Компания получателя", key: "company", width: 24, value: (o) => o.receiverCompany ?? "" },
  { header: "Телефон", key: "phone", width: 18, value: (o) => o.receiverPhone ?? "" },
  { header: "Город", key: "town", width: 18, value: (o) => o.receiverTown ?? "" },
  { header: "Адрес", key: "address", width: 36, value: (o) => o.receiverAddress ?? "" },
  { header: "Вес, кг", key: "weight", width: 9, numFmt: "0.000", value: (o) => Number(o.weight) },
  { header: "Наложенный платёж", key: "cod", width: 14, numFmt: "#,##0.00", value: (o) => Number(o.codAmount) },
  { header: "Ответственный филиал", key: "branch", width: 22, value: (o) => o.responsibleBranchName ?? "" },
];

/** Excel has no time zones: the cell shows the server's wall-clock time, as the cabinet does. */
const wallClock = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
const pad = (n: number) => String(n).padStart(2, "0");
const csvDate = (d: Date) =>
  `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** A CSV field for Excel: `;`-separated (Russian Excel's list separator), quoted when needed, decimal comma. */
function csvField(v: unknown): string {
  const s = v instanceof Date ? csvDate(v) : typeof v === "number" ? String(v).replace(".", ",") : String(v ?? "");
  // A leading = + - @ would be read as a formula by Excel (CSV injection); a quote mark before it keeps it text. A phone
  // (+7 912 …) is not a formula and stays as it is.
  const formula = /^[=@\t\r]/.test(s) || (/^[+-]/.test(s) && !/^[+-][\d\s().-]*$/.test(s));
  const safe = formula && typeof v !== "number" ? `'${s}` : s;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every order of the filter, page by page in the list's order (keyset: each page an index walk). */
async function* pages(ctx: ServiceContext, q: Omit<OrderPageQuery, "cursor" | "limit">) {
  let cursor: number | undefined;
  for (;;) {
    const rows = await orderPage(ctx, { ...q, cursor, limit: EXPORT_PAGE });
    if (rows.length) yield rows;
    if (rows.length < EXPORT_PAGE) return;
    cursor = rows[rows.length - 1]!.id;
  }
}

async function* csvChunks(ctx: ServiceContext, q: Omit<OrderPageQuery, "cursor" | "limit">) {
  yield `\uFEFF${COLUMNS.map((c) => csvField(c.header)).join(";")}\r\n`;
  for await (const rows of pages(ctx, q)) {
    yield rows
      .map((o) => `${COLUMNS.map((c) => csvField(c.key === "created" ? o.createdAt : c.value(o))).join(";")}\r\n`)
      .join("");
  }
}

/** Uncompressed sheet XML allowed to wait for the zip's deflate. */
const MAX_BACKLOG = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type StreamState = { length?: number };
type SheetStream = {
  buffers?: { length: number }[];
  pipes?: { _writableState?: StreamState; _readableState?: StreamState }[];
};
/**
 * Bytes of sheet XML written but not yet taken by the zip. exceljs' sheet stream ignores backpressure (its write()
 * always says yes), so rows written faster than deflate packs them pile up — about 100 MB for 100,000 orders. Read
 * from exceljs' internals (its StreamBuf and the PassThrough archiver reads it through); if they change this is 0 and only the
 * pacing is lost.
 */
function sheetBacklog(sheet: unknown): number {
  const s = (sheet as { stream?: SheetStream }).stream;
  const own = s?.buffers?.reduce((n, b) => n + (b.length || 0), 0) ?? 0;
  const pipe = s?.pipes?.[0];
  return own + (pipe?._writableState?.length ?? 0) + (pipe?._readableState?.length ?? 0);
}

/** The xlsx as exceljs' streaming writer makes it: rows are committed (written out) page by page. */
async function writeXlsx(out: PassThrough, ctx: ServiceContext, q: Omit<OrderPageQuery, "cursor" | "limit">) {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "Курьер-Хаб";
  const sheet = wb.addWorksheet("Заказы", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width,
    style: c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for await (const rows of pages(ctx, q)) {
    if (out.destroyed) return; // the download was cancelled: stop reading orders
    for (const o of rows) sheet.addRow(Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(o)]))).commit();
    // Let the zip and the reader catch up before the next page: the file is never held whole in memory.
    while (sheetBacklog(sheet) > MAX_BACKLOG && !out.destroyed) await sleep(5);
    if (out.writableNeedDrain) await once(out, "drain");
  }
  sheet.commit();
  await wb.commit();
}

export interface OrdersExport {
  stream: ReadableStream<Uint8Array>;
  contentType: string;
  fileName: { ascii: string; title: string };
}

/**
 * «Скачать xlsx / csv» of the order list: the same filter, scope and order as the list (a client exports its own
 * orders only), streamed as it is read. A bad filter is refused before the first byte.
 */
export async function exportOrders({ ctx, input }: ServiceCall<ExportOrdersInput>): Promise<OrdersExport> {
  const { format, sort, dir, ...filter } = exportOrdersSchema.parse(input);
  const q = { filter, sort, dir };
  const day = new Date().toISOString().slice(0, 10);
  const fileName = (f: ExportFormat) => ({ ascii: `orders-${day}.${f}`, title: `Заказы ${day}.${f}` });
  if (format === "csv") {
    const stream = Readable.from(csvChunks(ctx, q), { objectMode: false });
    return {
      stream: Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>,
      contentType: "text/csv; charset=utf-8",
      fileName: fileName("csv"),
    };
  }
  const out = new PassThrough();
  writeXlsx(out, ctx, q).catch((e: unknown) => {
    console.error(e);
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  return {
    stream: Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>,
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    fileName: fileName("xlsx"),
  };
}
