import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";

// Import files for the tests, the bench and the e2e journey: `rows` orders of which every `badEvery`-th is wrong in
// one of several ways (each with the Russian reason the preview must give).

export const SAMPLE_HEADERS = [
  "Номер",
  "Получатель",
  "Телефон",
  "Город",
  "Адрес",
  "Вес, кг",
  "НП",
  "Дата доставки",
  "Время с",
  "Время по",
  "Комментарий",
];

/** What a bad row breaks, and a fragment of the reason the preview gives. */
export const BAD_KINDS = [
  { reason: "Укажите телефон получателя", cells: (r: (string | number)[]) => ((r[2] = ""), r) },
  { reason: "Вес: больше нуля", cells: (r: (string | number)[]) => ((r[5] = 0), r) },
  {
    reason: "Время «до» раньше времени «с»",
    cells: (r: (string | number)[]) => ((r[8] = "18:00"), (r[9] = "10:00"), r),
  },
  { reason: "Такой даты нет", cells: (r: (string | number)[]) => ((r[7] = "31.02.2026"), r) },
  { reason: "Телефон: номер в формате", cells: (r: (string | number)[]) => ((r[2] = "12-34"), r) },
] as const;

export interface SampleOptions {
  rows: number;
  /** Every n-th row (1-based data row) is bad; 20 gives 5 %. 0: none. */
  badEvery?: number;
  prefix?: string;
}

/** The data rows (no header) as cells; a bad row's kind cycles through BAD_KINDS. */
export function sampleRows({ rows, badEvery = 20, prefix = "IMP" }: SampleOptions): (string | number)[][] {
  const out: (string | number)[][] = [];
  const day = new Date(Date.now() + 2 * 86_400_000);
  const date = `${String(day.getUTCDate()).padStart(2, "0")}.${String(day.getUTCMonth() + 1).padStart(2, "0")}.${day.getUTCFullYear()}`;
  for (let i = 1; i <= rows; i++) {
    const row: (string | number)[] = [
      `${prefix}-${i}`,
      `Получатель ${i}`,
      `8 (9${String(i % 100).padStart(2, "0")}) 123-45-${String(i % 100).padStart(2, "0")}`,
      i % 3 === 0 ? "Санкт-Петербург" : "Москва",
      `ул. Тестовая, д. ${i}`,
      1 + (i % 10) / 10,
      i % 2 ? 1500 : 0,
      date,
      "10:00",
      "18:00",
      i % 7 ? "" : "Позвонить заранее",
    ];
    out.push(badEvery && i % badEvery === 0 ? BAD_KINDS[(i / badEvery) % BAD_KINDS.length]!.cells(row) : row);
  }
  return out;
}

/** An xlsx of the sample rows, written by exceljs' streaming writer. */
export async function sampleXlsx(opts: SampleOptions, headers = SAMPLE_HEADERS): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on("end", resolve));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  const ws = wb.addWorksheet("Заказы");
  ws.addRow(headers).commit();
  for (const r of sampleRows(opts)) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

/** A CSV of the sample rows as Russian Excel saves it: «;», quotes where needed, optional BOM. */
export function sampleCsv(opts: SampleOptions, { bom = true, sep = ";" } = {}, headers = SAMPLE_HEADERS): Buffer {
  const quote = (v: string | number) => {
    const s = String(v).replace(".", sep === ";" && typeof v === "number" ? "," : ".");
    return /[";,\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [headers, ...sampleRows(opts)].map((r) => r.map(quote).join(sep));
  return Buffer.concat([Buffer.from(bom ? "\ufeff" : ""), Buffer.from(lines.join("\r\n") + "\r\n")]);
}

/** A buffer as the request body streams it: 64 KB chunks. */
export async function* chunked(buf: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
