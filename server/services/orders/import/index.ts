import { createHash } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { and, asc, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, importMappings, orderImportRows, orderImports } from "@/db/schema";
import { getApiOrderRules } from "../../api-settings";
import { assertCanWrite, type ServiceCall, type ServiceContext } from "../../context";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "../../errors";
import { createOrdersBatch } from "../create-batch";
import { validateOrder, withSenderFromClient } from "../validate";
import {
  autoColumns,
  fieldTitle,
  IMPORT_FIELDS,
  mappingIssue,
  normalizeHeader,
  rowToOrder,
  SKIP,
  TEMPLATE_COLUMNS,
} from "./fields";
import { csvRows, sniffFormat, xlsxRows, type FileRow } from "./parse";
import {
  IMPORT_BATCH,
  importIdSchema,
  importRowsSchema,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  setImportMappingSchema,
  type ImportRowsInput,
  type SetImportMappingInput,
} from "./schemas";

/** Rows written to or read from the staging table per statement while uploading and checking. */
const STAGE_CHUNK = 1000;
export const EXISTS_MESSAGE = "Заказ с таким номером уже есть";
export const TOO_BIG_MESSAGE = `Файл больше ${MAX_IMPORT_BYTES / 1024 / 1024} МБ`;

type ImportRow = typeof orderImports.$inferSelect;

export interface UploadInput {
  /** For staff; a client account always imports for itself. */
  clientId?: number;
  fileName: string;
  body: AsyncIterable<Uint8Array>;
}

async function clientFor(ctx: ServiceContext, requested: number | undefined) {
  const clientId = ctx.actor.type === "client" ? ctx.actor.clientId : requested;
  if (!clientId) throw new ValidationError("Выберите клиента", { clientId: ["Выберите клиента"] });
  const [c] = await ctx.db
    .select({ id: clients.id, name: clients.name })
    .from(clients)
    .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, clientId)));
  if (!c) throw new NotFoundError("Клиент", "clientId");
  return c;
}

/** The import by id, within the caller's company and, for a client account, its own; `lock` for the import step. */
async function importFor(db: Queryable, ctx: ServiceContext, id: number, lock = false): Promise<ImportRow> {
  const q = db
    .select()
    .from(orderImports)
    .where(
      and(
        eq(orderImports.id, id),
        eq(orderImports.companyId, ctx.actor.companyId),
        ctx.actor.type === "client" ? eq(orderImports.clientId, ctx.actor.clientId) : undefined,
      ),
    );
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw new NotFoundError("Импорт");
  return row;
}

/** Counts bytes as they pass and stops the upload past the limit, so a big file is never read whole. */
async function* limited(body: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) throw new ValidationError(TOO_BIG_MESSAGE);
    yield chunk;
  }
}

/** The file's rows, header first, empty rows left out, whichever the format. */
async function* fileRows(body: AsyncIterable<Uint8Array>, fileName: string) {
  const it = limited(body, MAX_IMPORT_BYTES)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new ValidationError("Файл пуст");
  const format = sniffFormat(first.value, fileName);
  async function* all() {
    yield first.value as Uint8Array;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  const rows = format === "xlsx" ? xlsxRows(Readable.from(all(), { objectMode: false })) : csvRows(all());
  yield format;
  for await (const r of rows) if (r.cells.some((c) => c.trim() !== "")) yield r;
}

export type ImportView = Awaited<ReturnType<typeof viewOf>>;

async function viewOf(db: Queryable, imp: ImportRow) {
  const [c] = await db.select({ name: clients.name }).from(clients).where(eq(clients.id, imp.clientId));
  return {
    id: imp.id,
    clientId: imp.clientId,
    clientName: c?.name ?? "",
    fileName: imp.fileName,
    format: imp.format,
    status: imp.status,
    headers: imp.headers,
    columns: imp.columns,
    totalRows: imp.totalRows,
    validRows: imp.validRows,
    invalidRows: imp.invalidRows,
    existingRows: imp.existingRows,
    processedRows: imp.processedRows,
    createdRows: imp.createdRows,
    createdAt: imp.createdAt,
  };
}

/**
 * Upload: the file is streamed into the staging table 1,000 rows at a time (never held whole), its header row matched
 * against the known names and the client's saved answers; when every column is known the rows are checked at once
 * (preview), otherwise the import waits in «mapping».
 */
export async function uploadImport({ ctx, input }: ServiceCall<UploadInput>): Promise<ImportView> {
  assertCanWrite(ctx);
  const client = await clientFor(ctx, input.clientId);
  const companyId = ctx.actor.companyId;
  const fileName = (input.fileName || "файл").slice(0, 200);
  return ctx.db.transaction(async (tx) => {
    const rows = fileRows(input.body, fileName);
    const format = (await rows.next()).value as "xlsx" | "csv";
    const headerRow = (await rows.next()).value as FileRow | undefined;
    if (!headerRow) throw new ValidationError("В файле нет строк: первая строка — заголовки столбцов");
    const headers = trimRight(headerRow.cells.map((h) => h.trim()));
    if (headers.length > MAX_IMPORT_COLUMNS) throw new ValidationError(`Не больше ${MAX_IMPORT_COLUMNS} столбцов`);
    const columns = autoColumns(headers, await savedMapping(tx, companyId, client.id));
    const [imp] = await tx
      .insert(orderImports)
      .values({ companyId, clientId: client.id, fileName, format, headers, columns, status: "mapping" })
      .returning();

    let total = 0;
    let chunk: FileRow[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      const payload = JSON.stringify(chunk.map((r) => ({ row_no: r.rowNo, cells: r.cells.slice(0, headers.length) })));
      await tx.execute(sql`
        insert into order_import_rows (import_id, row_no, cells, status)
        select ${imp!.id}, x.row_no, x.cells, 'pending' from jsonb_to_recordset(${payload}::jsonb) as x(row_no int, cells jsonb)`);
      chunk = [];
    };
    for await (const r of rows) {
      const row = r as FileRow;
      if (++total > MAX_IMPORT_ROWS) throw new ValidationError(`Не больше ${MAX_IMPORT_ROWS} строк в одном файле`);
      chunk.push(row);
      if (chunk.length >= STAGE_CHUNK) await flush();
    }
    await flush();
    if (total === 0) throw new ValidationError("В файле нет заказов: только строка заголовков");
    await tx.update(orderImports).set({ totalRows: total }).where(eq(orderImports.id, imp!.id));
    const ready = columns.every((c) => c !== null) ? await checkRows(tx, { ...imp!, totalRows: total }) : null;
    return viewOf(tx, ready ?? { ...imp!, totalRows: total });
  });
}

const trimRight = (cells: string[]) => {
  let n = cells.length;
  while (n > 0 && cells[n - 1] === "") n--;
  return cells.slice(0, n);
};

async function savedMapping(db: Queryable, companyId: number, clientId: number): Promise<Record<string, string>> {
  const [m] = await db
    .select({ mapping: importMappings.mapping })
    .from(importMappings)
    .where(and(eq(importMappings.companyId, companyId), eq(importMappings.clientId, clientId)));
  return m?.mapping ?? {};
}

/**
 * The mapping step: one target per column. The answers for headers we did not know are saved for the client (merged
 * with its earlier ones), so its next file with the same headers skips this step; then the rows are checked.
 */
export async function setImportMapping({ ctx, input }: ServiceCall<SetImportMappingInput>): Promise<ImportView> {
  assertCanWrite(ctx);
  const data = setImportMappingSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const imp = await importFor(tx, ctx, data.id, true);
    if (imp.status === "importing" || imp.status === "done") throw new ConflictError("Импорт уже начат");
    if (data.columns.length !== imp.headers.length) throw new ValidationError("Укажите поле для каждого столбца");
    const issue = mappingIssue(data.columns);
    if (issue) throw new ValidationError(issue, { columns: [issue] });
    const saved = await savedMapping(tx, imp.companyId, imp.clientId);
    imp.headers.forEach((h, i) => {
      const key = normalizeHeader(h);
      if (key) saved[key] = data.columns[i]!;
    });
    await tx
      .insert(importMappings)
      .values({ companyId: imp.companyId, clientId: imp.clientId, mapping: saved })
      .onConflictDoUpdate({
        target: [importMappings.companyId, importMappings.clientId],
        set: { mapping: saved, updatedAt: new Date() },
      });
    await tx.update(orderImports).set({ columns: data.columns }).where(eq(orderImports.id, imp.id));
    return viewOf(tx, await checkRows(tx, { ...imp, columns: data.columns }));
  });
}

/** How a row's order is built: the row's fields, the client card's sender, and a number when the row has none. */
function orderBuilder(columns: (string | null)[], clientId: number, sender: Record<string, unknown>) {
  const mapped = columns.flatMap((c, i) => (c && c !== SKIP ? [i] : []));
  return (cells: string[]) => {
    const order = rowToOrder(cells, columns) as { number?: string; sender: Record<string, unknown> };
    for (const [k, v] of Object.entries(sender)) if (v && !order.sender[k]) order.sender[k] = v;
    // No number in the row: one derived from the client and the row's mapped cells, so the same row imported
    // again gets the same number and is recognised as already there.
    if (!order.number) {
      const digest = createHash("sha256")
        .update(`${clientId}\u0001${mapped.map((i) => (cells[i] ?? "").trim()).join("\u0001")}`)
        .digest("hex");
      order.number = `ИМП-${digest.slice(0, 12).toUpperCase()}`;
    }
    return order;
  };
}

async function senderDefaults(db: Queryable, companyId: number, clientId: number) {
  return (await withSenderFromClient(db, companyId, clientId, { sender: {} as Record<string, unknown> })).sender;
}

/** Field errors as one Russian line, each named by its column title unless the message already says it. */
function errorText(fieldErrors: FieldErrors): string {
  return Object.entries(fieldErrors)
    .flatMap(([path, messages]) => {
      const title = IMPORT_FIELDS.some((f) => f.key === path) ? fieldTitle(path) : null;
      return messages.map((m) => (title && !m.toLowerCase().includes(title.toLowerCase()) ? `${title}: ${m}` : m));
    })
    .join("; ");
}

async function setRowStates(
  db: Queryable,
  importId: number,
  states: { row_no: number; status: string; error: string | null; order_id?: number | null }[],
) {
  if (!states.length) return;
  await db.execute(sql`
    update order_import_rows r set status = x.status, error = x.error, order_id = x.order_id
    from jsonb_to_recordset(${JSON.stringify(states)}::jsonb) as x(row_no int, status text, error text, order_id bigint)
    where r.import_id = ${importId} and r.row_no = x.row_no`);
}

/**
 * Preview: every row through `validateOrder` with the cabinet's rules (the same as the order form: towns, the
 * company's required fields, phones, weights, dates), 1,000 rows per read; a number repeated inside the file is an
 * error, a number already used this year is «уже есть» (looked up per 1,000 rows through the unique index: an
 * `= any(array(…))` keeps the index even when the planner's statistics still think `orders` is empty). Towns come
 * from the reference's in-memory cache.
 */
async function checkRows(tx: Queryable, imp: ImportRow): Promise<ImportRow> {
  const rules = await getApiOrderRules(tx, imp.companyId);
  const build = orderBuilder(imp.columns, imp.clientId, await senderDefaults(tx, imp.companyId, imp.clientId));
  const year = new Date().getFullYear();
  const seen = new Map<string, number>();
  const counts = { valid: 0, invalid: 0, exists: 0 };
  let after = 0;
  for (;;) {
    const page = await tx
      .select({ rowNo: orderImportRows.rowNo, cells: orderImportRows.cells })
      .from(orderImportRows)
      .where(and(eq(orderImportRows.importId, imp.id), gt(orderImportRows.rowNo, after)))
      .orderBy(asc(orderImportRows.rowNo))
      .limit(STAGE_CHUNK);
    if (!page.length) break;
    after = page[page.length - 1]!.rowNo;
    const states: { row_no: number; status: string; error: string | null }[] = [];
    const candidates = new Map<string, (typeof states)[number]>();
    for (const r of page) {
      const v = await validateOrder(tx, build(r.cells), rules, "cabinet");
      if ("fieldErrors" in v) {
        states.push({ row_no: r.rowNo, status: "invalid", error: errorText(v.fieldErrors) });
        continue;
      }
      const number = v.data.number!;
      const earlier = seen.get(number);
      if (earlier !== undefined) {
        states.push({ row_no: r.rowNo, status: "invalid", error: `Номер «${number}» уже есть в строке ${earlier}` });
        continue;
      }
      seen.set(number, r.rowNo);
      const state = { row_no: r.rowNo, status: "valid", error: null as string | null };
      candidates.set(number, state);
      states.push(state);
    }
    if (candidates.size) {
      const taken = await tx.execute<{ number: string }>(sql`
        select number from orders where company_id = ${imp.companyId} and year = ${year}
        and number = any(array(select jsonb_array_elements_text(${JSON.stringify([...candidates.keys()])}::jsonb)))`);
      for (const t of taken) Object.assign(candidates.get(t.number)!, { status: "exists", error: EXISTS_MESSAGE });
    }
    for (const s of states) counts[s.status as keyof typeof counts]++;
    await setRowStates(tx, imp.id, states);
  }
  const [updated] = await tx
    .update(orderImports)
    .set({
      status: "ready",
      validRows: counts.valid,
      invalidRows: counts.invalid,
      existingRows: counts.exists,
      processedRows: 0,
      createdRows: 0,
      updatedAt: new Date(),
    })
    .where(eq(orderImports.id, imp.id))
    .returning();
  return updated!;
}

/** About ten ticks of the progress bar for a small file, 500 rows per transaction for a big one. */
const batchSize = (valid: number) => Math.min(IMPORT_BATCH, Math.max(100, Math.ceil(valid / 10)));

/**
 * One step of «Загрузить»: the next (up to) 500 checked rows become orders through `createOrdersBatch` (the XML API's door,
 * which checks each order again and reports a number already used as a duplicate instead of creating it), the rows
 * and counters updated in the same transaction. The import row is locked, so two tabs never take the same rows; the
 * page calls this until the status is «done» and draws the progress bar from processed / valid.
 */
export async function importStep({ ctx, input }: ServiceCall<{ id: number }>): Promise<ImportView> {
  assertCanWrite(ctx);
  const { id } = importIdSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const imp = await importFor(tx, ctx, id, true);
    if (imp.status === "mapping") throw new ValidationError("Сначала укажите, что в каких столбцах");
    if (imp.status === "done") return viewOf(tx, imp);
    const page = await tx
      .select({ rowNo: orderImportRows.rowNo, cells: orderImportRows.cells })
      .from(orderImportRows)
      .where(and(eq(orderImportRows.importId, imp.id), eq(orderImportRows.status, "valid")))
      .orderBy(asc(orderImportRows.rowNo))
      .limit(batchSize(imp.validRows));
    const stats = { created: 0, duplicate: 0, invalid: 0 };
    if (page.length) {
      const build = orderBuilder(imp.columns, imp.clientId, await senderDefaults(tx, imp.companyId, imp.clientId));
      const results = await createOrdersBatch({
        ctx: { db: tx, actor: ctx.actor },
        input: { orders: page.map((r) => build(r.cells)), source: "cabinet", clientId: imp.clientId },
      });
      const states = results.map((res, i) => {
        const row_no = page[i]!.rowNo;
        if (res.ok) return (stats.created++, { row_no, status: "created", error: null, order_id: res.id });
        if (res.reason === "duplicate")
          return (stats.duplicate++, { row_no, status: "duplicate", error: EXISTS_MESSAGE });
        if (res.reason === "invalid")
          return (stats.invalid++, { row_no, status: "invalid", error: errorText(res.fieldErrors) });
        throw new NotFoundError("Клиент");
      });
      await setRowStates(tx, imp.id, states);
    }
    const [more] = page.length
      ? await tx
          .select({ rowNo: orderImportRows.rowNo })
          .from(orderImportRows)
          .where(and(eq(orderImportRows.importId, imp.id), eq(orderImportRows.status, "valid")))
          .limit(1)
      : [];
    const [updated] = await tx
      .update(orderImports)
      .set({
        status: more ? "importing" : "done",
        processedRows: sql`${orderImports.processedRows} + ${page.length}`,
        createdRows: sql`${orderImports.createdRows} + ${stats.created}`,
        existingRows: sql`${orderImports.existingRows} + ${stats.duplicate}`,
        invalidRows: sql`${orderImports.invalidRows} + ${stats.invalid}`,
        updatedAt: new Date(),
      })
      .where(eq(orderImports.id, imp.id))
      .returning();
    return viewOf(tx, updated!);
  });
}

export async function getImport({ ctx, input }: ServiceCall<{ id: number }>): Promise<ImportView> {
  const { id } = importIdSchema.parse(input);
  return viewOf(ctx.db, await importFor(ctx.db, ctx, id));
}

/** The caller's latest imports (a client account sees its own), for «продолжить» after a closed tab. */
export async function listImports({ ctx }: ServiceCall<void>) {
  return ctx.db
    .select({
      id: orderImports.id,
      fileName: orderImports.fileName,
      clientName: clients.name,
      status: orderImports.status,
      totalRows: orderImports.totalRows,
      createdRows: orderImports.createdRows,
      invalidRows: orderImports.invalidRows,
      createdAt: orderImports.createdAt,
    })
    .from(orderImports)
    .innerJoin(clients, eq(clients.id, orderImports.clientId))
    .where(
      and(
        eq(orderImports.companyId, ctx.actor.companyId),
        ctx.actor.type === "client" ? eq(orderImports.clientId, ctx.actor.clientId) : undefined,
      ),
    )
    .orderBy(desc(orderImports.id))
    .limit(20);
}

/** Rows of one outcome (by default the invalid ones with their reasons), page by page. */
export async function listImportRows({ ctx, input }: ServiceCall<ImportRowsInput>) {
  const data = importRowsSchema.parse(input);
  const imp = await importFor(ctx.db, ctx, data.id);
  const rows = await ctx.db
    .select({
      rowNo: orderImportRows.rowNo,
      cells: orderImportRows.cells,
      error: orderImportRows.error,
      orderId: orderImportRows.orderId,
    })
    .from(orderImportRows)
    .where(
      and(
        eq(orderImportRows.importId, imp.id),
        eq(orderImportRows.status, data.status),
        gt(orderImportRows.rowNo, data.after),
      ),
    )
    .orderBy(asc(orderImportRows.rowNo))
    .limit(data.limit);
  return { rows, next: rows.length === data.limit ? rows[rows.length - 1]!.rowNo : null };
}

/**
 * «Скачать строки с ошибками»: the invalid rows as they were in the file plus «Строка» and «Ошибка», streamed by
 * exceljs' WorkbookWriter while they are read 1,000 at a time. Fix them and upload that file again.
 */
export async function exportInvalidRows({ ctx, input }: ServiceCall<{ id: number }>) {
  const { id } = importIdSchema.parse(input);
  const imp = await importFor(ctx.db, ctx, id);
  const { default: ExcelJS } = await import("exceljs");
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const write = async () => {
    const ws = wb.addWorksheet("Ошибки");
    const header = ws.addRow([...imp.headers, "Строка файла", "Ошибка"]);
    header.font = { bold: true };
    header.commit();
    let after = 0;
    for (;;) {
      const page = await ctx.db
        .select({ rowNo: orderImportRows.rowNo, cells: orderImportRows.cells, error: orderImportRows.error })
        .from(orderImportRows)
        .where(
          and(
            eq(orderImportRows.importId, imp.id),
            eq(orderImportRows.status, "invalid"),
            gt(orderImportRows.rowNo, after),
          ),
        )
        .orderBy(asc(orderImportRows.rowNo))
        .limit(STAGE_CHUNK);
      for (const r of page) {
        const cells = imp.headers.map((_, i) => r.cells[i] ?? "");
        ws.addRow([...cells, r.rowNo, r.error ?? ""]).commit();
      }
      if (page.length < STAGE_CHUNK) break;
      after = page[page.length - 1]!.rowNo;
    }
    ws.commit();
    await wb.commit();
  };
  write().catch((e: unknown) => {
    console.error(e);
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  const base = imp.fileName.replace(/\.(xlsx|csv|txt)$/i, "");
  return {
    stream: Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>,
    fileName: { ascii: `import-${imp.id}-errors.xlsx`, title: `${base} — ошибки.xlsx` },
  };
}

/** «Скачать шаблон»: our column titles (they map themselves) and one sample row. */
export async function importTemplate(): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Заказы");
  ws.columns = TEMPLATE_COLUMNS.map((c) => ({ header: fieldTitle(c.key), key: c.key, width: 20 }));
  ws.getRow(1).font = { bold: true };
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  ws.addRow(Object.fromEntries(TEMPLATE_COLUMNS.map((c) => [c.key, c.key === "receiver.date" ? tomorrow : c.sample])));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Staging rows are only worth keeping while someone may come back to an import: a month, then they go. */
export const IMPORT_KEEP_DAYS = 30;

/** Housekeeping (worker, daily): imports untouched for IMPORT_KEEP_DAYS go with their rows (cascade). */
export async function sweepOrderImports(db: Queryable, now = new Date()) {
  const cutoff = new Date(now.getTime() - IMPORT_KEEP_DAYS * 86_400_000);
  const gone = await db
    .delete(orderImports)
    .where(lt(orderImports.updatedAt, cutoff))
    .returning({ id: orderImports.id });
  return { deleted: gone.length };
}
