import { inflateRawSync } from "node:zlib";
import type { CellValue } from "exceljs";
import { codeText, type CodRegistry, parseKopecks } from "../../integrators/cdek/registries";
import { ValidationError } from "../errors";
import { isCalendarDate } from "../primitives";
import {
  FILE_FIELD,
  FILE_TOO_BIG_MESSAGE,
  REGISTRY_MAX_FILE_BYTES,
  REGISTRY_MAX_LINES,
  TOO_MANY_LINES_MESSAGE,
} from "./schemas";

/*
 * CDEK's COD registry report as a file (xlsx or csv) → registry rows. Pure: bytes and a file name in, rows and
 * problems out; every refusal is a Russian sentence. Work is linear in the file's size and bounded by the limits.
 */

type Field =
  | "registryNumber"
  | "paymentDate"
  | "paymentOrderNumber"
  | "registrySum"
  | "cdekNumber"
  | "paymentSum"
  | "transferSum"
  | "totalWithoutAgent"
  | "commission";

interface FieldSpec {
  title: string;
  api: string;
  required: boolean;
  kind: "code" | "date" | "money";
  aliases: string[];
}

const FIELDS: Record<Field, FieldSpec> = {
  registryNumber: {
    title: "Номер реестра",
    api: "registry_number",
    required: true,
    kind: "code",
    aliases: ["Номер реестра", "№ реестра", "Реестр", "Номер реестра НП", "Реестр НП"],
  },
  paymentDate: {
    title: "Дата платежа",
    api: "payment_date",
    required: false,
    kind: "date",
    aliases: ["Дата платежа", "Дата оплаты", "Дата оплаты реестра", "Дата платёжного поручения", "Дата п/п"],
  },
  paymentOrderNumber: {
    title: "Номер платёжного поручения",
    api: "payment_order_number",
    required: false,
    kind: "code",
    aliases: ["Номер платёжного поручения", "Платёжное поручение", "№ платёжного поручения", "Номер п/п", "№ п/п"],
  },
  registrySum: {
    title: "Сумма реестра",
    api: "sum",
    required: false,
    kind: "money",
    aliases: ["Сумма реестра", "Сумма по реестру", "Итого по реестру"],
  },
  cdekNumber: {
    title: "Номер заказа СДЭК",
    api: "cdek_number",
    required: true,
    kind: "code",
    aliases: [
      "Номер заказа СДЭК",
      "№ заказа СДЭК",
      "Заказ СДЭК",
      "Номер СДЭК",
      "Номер отправления СДЭК",
      "Номер накладной",
    ],
  },
  paymentSum: {
    title: "Наложенный платёж",
    api: "payment_sum",
    required: true,
    kind: "money",
    aliases: [
      "Наложенный платёж",
      "Сумма наложенного платежа",
      "Сумма НП",
      "Принято от получателя",
      "Сумма, принятая от получателя",
    ],
  },
  transferSum: {
    title: "Сумма к перечислению",
    api: "transfer_sum",
    required: true,
    kind: "money",
    aliases: ["Сумма к перечислению", "К перечислению", "Сумма к начислению", "Перечислено", "Сумма перевода"],
  },
  totalWithoutAgent: {
    title: "Сумма без агентского",
    api: "total_sum_without_agent",
    required: false,
    kind: "money",
    aliases: [
      "Сумма без агентского",
      "Сумма без агентского вознаграждения",
      "Общая сумма без учёта агентского вознаграждения",
      "Итоговая стоимость заказа без учёта агентского вознаграждения",
    ],
  },
  commission: {
    title: "Агентское вознаграждение",
    api: "agent_commission_sum",
    required: true,
    kind: "money",
    aliases: ["Агентское вознаграждение", "Сумма агентского вознаграждения", "Агентская комиссия", "Комиссия"],
  },
};

/** Headers compared as letters and digits only, case- and spacing-blind; ё = е, СДЕК = СДЭК, a trailing «руб.» ignored. */
export function normalizeHeader(h: string): string {
  const s = h
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[^a-zа-я0-9]/g, "")
    .replace(/сдек/g, "сдэк");
  const bare = s.replace(/(руб|рублей|rub)$/, "");
  return bare || s;
}

const HEADER_INDEX = new Map<string, Field>();
for (const [field, spec] of Object.entries(FIELDS) as [Field, FieldSpec][]) {
  for (const name of [spec.api, spec.title, ...spec.aliases]) HEADER_INDEX.set(normalizeHeader(name), field);
}

const label = (f: Field) => `«${FIELDS[f].title}» (${FIELDS[f].api})`;

/** A registry row of the file, by field. Sums in kopecks. */
export interface RegistryRow {
  /** The row's number in the file (the sheet's row number for xlsx). */
  line: number;
  registryNumber: string;
  paymentDate: string | null;
  paymentOrderNumber: string | null;
  registrySum: number | null;
  cdekNumber: string;
  paymentSum: number;
  transferSum: number;
  totalWithoutAgent: number | null;
  commission: number;
}

export interface ParsedRegistryFile {
  format: "xlsx" | "csv";
  rows: RegistryRow[];
  /** Cells that could not be read, one sentence each («Строка 7: …»); a file with any is not applied. */
  problems: string[];
  /** Headers that name nothing the registry has: reported, their columns skipped. */
  unknownHeaders: string[];
}

type Cell = string | number | Date | null;
interface TableRow {
  line: number;
  cells: Cell[];
}

/** The header is looked for in the first rows: reports often have a title or a blank line above the table. */
const HEADER_SCAN_ROWS = 20;
/** A decompressed xlsx is refused beyond this (a zip bomb): 50,000 registry lines need a fraction of it. */
const MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024;
/** More problem sentences than this are summed up, not listed. */
const MAX_LISTED_PROBLEMS = 200;

const refuse = (message: string): never => {
  throw new ValidationError(message, { [FILE_FIELD]: [message] });
};

export async function parseRegistryFile(bytes: Uint8Array, fileName: string): Promise<ParsedRegistryFile> {
  if (bytes.length === 0) refuse("Файл пуст");
  if (bytes.length > REGISTRY_MAX_FILE_BYTES) refuse(FILE_TOO_BIG_MESSAGE);
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    refuse(`Формат старого Excel (.xls) не поддерживается: сохраните «${fileName}» как .xlsx или .csv`);
  }
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (isZip) return { format: "xlsx", ...readTable(await xlsxTable(bytes, fileName)) };
  if (/\.xlsx$/i.test(fileName))
    refuse(`«${fileName}» — не файл Excel (.xlsx): откройте его в Excel и сохраните заново`);
  return { format: "csv", ...readTable(csvTable(decodeText(bytes))) };
}

// ─── Table → rows ──────────────────────────────────────────────────────────────────────────────────────────────────

function headerOf(cells: Cell[]) {
  const columns = new Map<Field, number>();
  const duplicates: Field[] = [];
  const unknown: string[] = [];
  cells.forEach((c, i) => {
    const text = cellText(c);
    if (!text) return;
    const field = HEADER_INDEX.get(normalizeHeader(text));
    if (!field) unknown.push(text);
    else if (columns.has(field)) duplicates.push(field);
    else columns.set(field, i);
  });
  return { columns, duplicates, unknown };
}

/** The first of the top rows that names the CDEK order number and at least one more registry column. */
function findHeader(table: TableRow[]) {
  for (let i = 0; i < Math.min(table.length, HEADER_SCAN_ROWS); i++) {
    const h = headerOf(table[i]!.cells);
    if (h.columns.has("cdekNumber") && h.columns.size >= 2) return { index: i, ...h };
  }
  return null;
}

function readTable(table: TableRow[]): Omit<ParsedRegistryFile, "format"> {
  const header = findHeader(table);
  if (!header) {
    const required = (Object.keys(FIELDS) as Field[]).filter((f) => FIELDS[f].required).map(label);
    return refuse(`Не найдена строка заголовков реестра. Нужны столбцы: ${required.join(", ")}`);
  }
  const missing = (Object.keys(FIELDS) as Field[]).filter((f) => FIELDS[f].required && !header.columns.has(f));
  const headerProblems = [
    ...missing.map((f) => `Нет столбца ${label(f)}`),
    ...header.duplicates.map((f) => `Столбец ${label(f)} встречается дважды`),
  ];
  if (headerProblems.length) refuse(headerProblems.join("; "));

  const rows: RegistryRow[] = [];
  const problems: string[] = [];
  let problemCount = 0;
  const problem = (text: string) => {
    if (++problemCount <= MAX_LISTED_PROBLEMS) problems.push(text);
  };
  const data = table.slice(header.index + 1);
  if (data.length > REGISTRY_MAX_LINES) refuse(TOO_MANY_LINES_MESSAGE);
  // Grouped reports write the registry's number, date and sum once above its orders: a blank one continues it.
  let group: Pick<RegistryRow, "registryNumber" | "paymentDate" | "paymentOrderNumber" | "registrySum"> | null = null;

  for (const { line, cells } of data) {
    const at = (f: Field) => {
      const i = header.columns.get(f);
      return i === undefined ? null : (cells[i] ?? null);
    };
    if (cells.every((c) => cellText(c) === "")) continue;
    if (cellText(at("cdekNumber")) === "") {
      // A totals line («Итого»), not an order.
      if (cells.some((c) => /итог|всего/i.test(cellText(c)))) continue;
      problem(`Строка ${line}: нет номера заказа СДЭК`);
      continue;
    }
    const bad: string[] = [];
    const code = (f: Field) => {
      const raw = at(f);
      if (cellText(raw) === "") return null;
      const v = codeText(typeof raw === "string" ? raw : raw instanceof Date ? null : raw);
      if (v === null) bad.push(`${label(f)}: «${cellText(raw)}» не номер`);
      return v;
    };
    const money = (f: Field) => {
      const raw = at(f);
      if (cellText(raw) === "") return null;
      const v = raw instanceof Date ? null : parseKopecks(raw);
      if (v === null) bad.push(`${label(f)}: «${cellText(raw)}» не сумма`);
      return v;
    };
    const day = (f: Field) => {
      const raw = at(f);
      if (cellText(raw) === "") return null;
      const v = dayOf(raw);
      if (v === null) bad.push(`${label(f)}: «${cellText(raw)}» не дата`);
      return v;
    };
    const own = {
      registryNumber: code("registryNumber"),
      paymentDate: day("paymentDate"),
      paymentOrderNumber: code("paymentOrderNumber"),
      registrySum: money("registrySum"),
    };
    if (own.registryNumber) group = { ...own, registryNumber: own.registryNumber };
    else if (!group) bad.push(`нет номера реестра (${FIELDS.registryNumber.api})`);
    // A row without a registry number continues the group above; its own details, if any, still count.
    const registry = group && {
      registryNumber: group.registryNumber,
      paymentDate: own.paymentDate ?? group.paymentDate,
      paymentOrderNumber: own.paymentOrderNumber ?? group.paymentOrderNumber,
      registrySum: own.registrySum ?? group.registrySum,
    };
    const cdekNumber = code("cdekNumber");
    const paymentSum = money("paymentSum");
    const transferSum = money("transferSum");
    const commission = money("commission");
    const totalWithoutAgent = money("totalWithoutAgent");
    for (const [f, v] of [
      ["paymentSum", paymentSum],
      ["transferSum", transferSum],
      ["commission", commission],
    ] as const) {
      if (v === null && cellText(at(f)) === "") bad.push(`${label(f)}: пусто`);
    }
    if (bad.length || !registry || !cdekNumber || paymentSum === null || transferSum === null || commission === null) {
      problem(`Строка ${line}: ${bad.join("; ")}`);
      continue;
    }
    rows.push({ line, ...registry, cdekNumber, paymentSum, transferSum, totalWithoutAgent, commission });
  }
  if (problemCount > MAX_LISTED_PROBLEMS) {
    problems.push(`…и ещё ${problemCount - MAX_LISTED_PROBLEMS} строк с ошибками`);
  }
  if (!rows.length && !problemCount) refuse("В файле нет ни одной строки реестра под заголовками");
  return { rows, problems, unknownHeaders: header.unknown };
}

/** The file's rows as registries (a file may hold several); disagreeing registry details are problems. */
export function groupRegistries(rows: RegistryRow[]): { registries: CodRegistry[]; problems: string[] } {
  const byNumber = new Map<string, CodRegistry>();
  const problems: string[] = [];
  const noted = new Set<string>();
  for (const r of rows) {
    let reg = byNumber.get(r.registryNumber);
    if (!reg) {
      reg = {
        number: r.registryNumber,
        paymentDate: r.paymentDate,
        paymentOrderNumber: r.paymentOrderNumber,
        total: r.registrySum,
        lines: [],
      };
      byNumber.set(r.registryNumber, reg);
    } else {
      const differs = (
        key: "paymentDate" | "paymentOrderNumber" | "total",
        value: string | number | null,
        f: Field,
      ) => {
        if (value === null) return;
        if (reg![key] === null) (reg as unknown as Record<string, unknown>)[key] = value;
        else if (reg![key] !== value && !noted.has(`${r.registryNumber}/${key}`)) {
          noted.add(`${r.registryNumber}/${key}`);
          problems.push(`Реестр № ${r.registryNumber}: в строке ${r.line} другое значение ${label(f)}`);
        }
      };
      differs("paymentDate", r.paymentDate, "paymentDate");
      differs("paymentOrderNumber", r.paymentOrderNumber, "paymentOrderNumber");
      differs("total", r.registrySum, "registrySum");
    }
    reg.lines.push({
      lineNo: r.line,
      cdekNumber: r.cdekNumber,
      paymentSum: r.paymentSum,
      transferSum: r.transferSum,
      totalWithoutAgent: r.totalWithoutAgent,
      commission: r.commission,
    });
  }
  return { registries: [...byNumber.values()], problems };
}

// ─── Cells ─────────────────────────────────────────────────────────────────────────────────────────────────────────

function cellText(c: Cell): string {
  if (c === null) return "";
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? "" : c.toISOString().slice(0, 10);
  return String(c).trim();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** ГГГГ-ММ-ДД from a date cell, an Excel day number, «2026-11-30[T…]» or «30.11.2026». */
function dayOf(c: Cell): string | null {
  let y: number, m: number, d: number;
  if (c instanceof Date) {
    // exceljs gives the sheet's calendar day as midnight UTC.
    [y, m, d] = [c.getUTCFullYear(), c.getUTCMonth() + 1, c.getUTCDate()];
  } else if (typeof c === "number") {
    if (!Number.isInteger(c) || c < 20_000 || c > 110_000) return null;
    const t = new Date(Date.UTC(1899, 11, 30) + c * 86_400_000);
    [y, m, d] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
  } else {
    const s = cellText(c);
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)/.exec(s);
    const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s|$)/.exec(s);
    if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    else if (ru) [y, m, d] = [Number(ru[3]), Number(ru[2]), Number(ru[1])];
    else return null;
  }
  const v = `${y}-${pad(m)}-${pad(d)}`;
  return isCalendarDate(v) ? v : null;
}

// ─── CSV ───────────────────────────────────────────────────────────────────────────────────────────────────────────

/** UTF-8 with or without BOM, UTF-16 with BOM (Excel's «Unicode text»), else Windows-1251 (Excel's «CSV» in Russia). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder("utf-8").decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1251").decode(bytes);
  }
}

const DELIMITERS = [";", ",", "\t"] as const;

/** The delimiter under which the top lines read as the registry's header with the most known columns. */
function csvTable(text: string): TableRow[] {
  let best: { delimiter: string; score: number } = { delimiter: ";", score: -1 };
  for (const delimiter of DELIMITERS) {
    const found = findHeader(parseCsv(text, delimiter, HEADER_SCAN_ROWS, true));
    const score = found ? found.columns.size : 0;
    if (score > best.score) best = { delimiter, score };
  }
  return parseCsv(text, best.delimiter, REGISTRY_MAX_LINES + HEADER_SCAN_ROWS);
}

/**
 * RFC 4180 records («"» quotes, «""» inside them, line breaks in quoted fields; \n, \r\n or \r ends a record). Blank
 * lines are skipped; more than `maxRecords` records are refused as soon as they are seen (or, with `stop`, not read).
 */
export function parseCsv(text: string, delimiter: string, maxRecords: number, stop = false): TableRow[] {
  const out: TableRow[] = [];
  const n = text.length;
  let row: string[] = [];
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    if (row.length > 1 || row[0] !== "") {
      if (out.length >= maxRecords) refuse(TOO_MANY_LINES_MESSAGE);
      out.push({ line: rowLine, cells: row });
    }
    row = [];
  };
  while (i < n) {
    let field: string;
    if (text[i] === '"') {
      field = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        const chunk = q < 0 ? text.slice(j) : text.slice(j, q);
        for (let k = chunk.indexOf("\n"); k >= 0; k = chunk.indexOf("\n", k + 1)) line++;
        field += chunk;
        if (q < 0) {
          i = n;
          break;
        }
        if (text[q + 1] === '"') {
          field += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Text after a closing quote (`"a"b`) is kept, as spreadsheets do.
      let j2 = i;
      while (j2 < n && text[j2] !== delimiter && text[j2] !== "\n" && text[j2] !== "\r") j2++;
      field += text.slice(i, j2);
      i = j2;
    } else {
      let j = i;
      while (j < n && text[j] !== delimiter && text[j] !== "\n" && text[j] !== "\r") j++;
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (i >= n) break;
    if (text[i] === delimiter) {
      i++;
      if (i >= n) row.push("");
      continue;
    }
    i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
    endRow();
    rowLine = ++line;
    if (stop && out.length >= maxRecords) return out;
  }
  if (row.length) endRow();
  return out;
}

// ─── XLSX ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The first worksheet that has the registry's header (reports sometimes put a title sheet first). */
async function xlsxTable(bytes: Uint8Array, fileName: string): Promise<TableRow[]> {
  checkZipSize(bytes, fileName);
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    refuse(`Не удалось прочитать «${fileName}» как файл Excel (.xlsx): откройте его в Excel и сохраните заново`);
  }
  let first: TableRow[] | null = null;
  for (const ws of wb.worksheets) {
    if (ws.actualRowCount > REGISTRY_MAX_LINES + HEADER_SCAN_ROWS) refuse(TOO_MANY_LINES_MESSAGE);
    const table: TableRow[] = [];
    ws.eachRow({ includeEmpty: false }, (row, line) => {
      const values = row.values as CellValue[];
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellOf(values[i]));
      table.push({ line, cells });
    });
    first ??= table;
    if (findHeader(table)) return table;
  }
  return first ?? [];
}

function cellOf(v: CellValue | undefined): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "boolean") return String(v);
  if (v instanceof Date) return v;
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("formula" in v || "sharedFormula" in v) return cellOf((v as { result?: CellValue }).result);
    if ("text" in v) return String(v.text);
    if ("error" in v) return null;
  }
  return String(v);
}

const ZIP_BROKEN = (fileName: string) => `«${fileName}» повреждён: откройте его в Excel и сохраните заново`;

/**
 * Inflates every member once, counting, before the workbook is read: an xlsx that would unpack beyond the limit
 * (a zip bomb, or a sheet far larger than a registry) is refused without holding it. Sizes the archive claims are
 * not trusted.
 */
function checkZipSize(bytes: Uint8Array, fileName: string) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tooBig = `«${fileName}» распаковывается больше чем в ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} МБ: это не реестр СДЭК`;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) refuse(ZIP_BROKEN(fileName));
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) refuse(tooBig);
  let total = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) refuse(ZIP_BROKEN(fileName));
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const local = buf.readUInt32LE(p + 42);
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) refuse(ZIP_BROKEN(fileName));
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + compressed);
    if (method === 0) total += data.length;
    else if (method === 8) {
      try {
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, MAX_XLSX_UNPACKED_BYTES - total) }).length;
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) refuse(tooBig);
        refuse(ZIP_BROKEN(fileName));
      }
    } else refuse(ZIP_BROKEN(fileName));
    if (total > MAX_XLSX_UNPACKED_BYTES) refuse(tooBig);
  }
}
