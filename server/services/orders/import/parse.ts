import type { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { ValidationError } from "../../errors";

/** One row of a file as text cells; `rowNo` counts from 1 as the spreadsheet shows it. */
export interface FileRow {
  rowNo: number;
  cells: string[];
}

export type ImportFormat = "xlsx" | "csv";

export const BAD_FILE_MESSAGE = "Не удалось прочитать файл: загрузите xlsx или csv";

/** xlsx is a zip: it starts with «PK\x03\x04»; anything else is read as CSV text. */
export function sniffFormat(head: Uint8Array, fileName: string): ImportFormat {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "xlsx";
  if (/\.xls$/i.test(fileName) || (head[0] === 0xd0 && head[1] === 0xcf)) {
    throw new ValidationError("Старый формат .xls не поддерживается: сохраните файл как .xlsx или .csv");
  }
  return "csv";
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A cell's value as text: Excel dates as YYYY-MM-DD, times (day 1899-12-30) as ЧЧ:ММ, formulas by their result. */
export function cellText(v: unknown): string {
  if (v == null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  if (typeof v === "boolean") return v ? "да" : "нет";
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return "";
    const date = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    const time = `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`;
    if (v.getUTCFullYear() < 1901) return time;
    return time === "00:00" ? date : `${date} ${time}`;
  }
  if (typeof v === "object") {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join("");
    if ("result" in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error) return "";
  }
  return String(v);
}

/**
 * The first worksheet's rows, streamed: exceljs's WorkbookReader reads the zip entry by entry (a worksheet that comes
 * before the shared strings is parked in a temporary file by exceljs, not in memory).
 */
export async function* xlsxRows(input: Readable): AsyncGenerator<FileRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "emit",
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        // exceljs's row.values is 1-based: index 0 is always empty.
        yield { rowNo: row.number, cells: values.slice(1).map(cellText) };
      }
      return;
    }
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(BAD_FILE_MESSAGE);
  }
}

/**
 * CSV as Excel saves it, streamed chunk by chunk: UTF-8 (with or without BOM) or Windows-1251, «;» or «,» or tab
 * separated (whichever the first line uses outside quotes), quoted fields with "" inside and line breaks.
 */
export async function* csvRows(input: AsyncIterable<Uint8Array>): AsyncGenerator<FileRow> {
  let decoder: TextDecoder | undefined;
  let sep: string | undefined;
  let field = "";
  let row: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let pendingCR = false;
  let rowNo = 0;
  let started = false;
  const out: FileRow[] = [];

  const endField = () => {
    row.push(field);
    field = "";
    afterQuote = false;
  };
  const endRow = () => {
    endField();
    rowNo++;
    out.push({ rowNo, cells: row });
    row = [];
  };

  const feed = (text: string) => {
    if (!started) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      started = true;
    }
    sep ??= guessSeparator(text);
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (pendingCR) {
        pendingCR = false;
        if (c === "\n") continue;
      }
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            // Closing, unless the next chunk starts with the second quote of a split "" (see below).
            quoted = false;
            afterQuote = true;
          }
        } else field += c;
        continue;
      }
      if (c === '"') {
        if (afterQuote) {
          // The closing quote was the first of a "" split across chunks.
          field += '"';
          quoted = true;
          afterQuote = false;
        } else if (field === "") quoted = true;
        else field += c;
      } else if (c === sep) endField();
      else if (c === "\n") endRow();
      else if (c === "\r") {
        endRow();
        pendingCR = true;
      } else {
        afterQuote = false;
        field += c;
      }
    }
  };

  for await (const chunk of input) {
    if (!decoder) decoder = pickDecoder(chunk);
    try {
      feed(decoder.decode(chunk, { stream: true }));
    } catch {
      throw new ValidationError("Файл не в кодировке UTF-8 или Windows-1251: сохраните его как «CSV UTF-8»");
    }
    yield* out.splice(0);
  }
  if (decoder) feed(decoder.decode());
  if (field !== "" || row.length || quoted) endRow();
  yield* out.splice(0);
}

/** UTF-8 when the first chunk decodes as UTF-8 (strictly), else Windows-1251: what Russian Excel saves as «CSV». */
function pickDecoder(head: Uint8Array): TextDecoder {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  } catch {
    return new TextDecoder("windows-1251");
  }
}

function guessSeparator(text: string): string {
  const counts: Record<string, number> = { ";": 0, ",": 0, "\t": 0 };
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && c in counts) counts[c]!++;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ";";
}
