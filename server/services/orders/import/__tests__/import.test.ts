import { and, eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Queryable } from "@/db/client";
import { importMappings, orderImportRows, orderImports, orders } from "@/db/schema";
import { createClient, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import type { ServiceContext } from "../../../context";
import {
  EXISTS_MESSAGE,
  exportInvalidRows,
  getImport,
  importStep,
  listImportRows,
  setImportMapping,
  sweepOrderImports,
  TOO_BIG_MESSAGE,
  uploadImport,
  type ImportView,
} from "..";
import { csvRows } from "../parse";
import { MAX_IMPORT_BYTES } from "../schemas";
import { BAD_KINDS, chunked, sampleCsv, sampleRows, sampleXlsx, SAMPLE_HEADERS } from "../sample-file";

/** Steps until done, as the page does; returns every view (the progress it would draw). */
async function runImport(ctx: ServiceContext, id: number): Promise<ImportView[]> {
  const views: ImportView[] = [];
  for (let i = 0; i < 1000; i++) {
    const v = await importStep({ ctx, input: { id } });
    views.push(v);
    if (v.status === "done") return views;
  }
  throw new Error("import never finished");
}

const ordersOf = async (db: Queryable, clientId: number) =>
  Number(
    (
      await db
        .select({ n: sql<number>`count(*)` })
        .from(orders)
        .where(eq(orders.clientId, clientId))
    )[0]!.n,
  );

describe("order import", () => {
  it(
    "10,000 rows with 5 % bad: valid ones imported once with progress, bad ones with reasons; again → nothing new",
    () =>
      withTestTransaction(async (tx) => {
        const t = await createTenant(tx);
        const file = await sampleXlsx({ rows: 10_000, badEvery: 20, prefix: "X" });
        const up = await uploadImport({
          ctx: t.staffCtx,
          input: { clientId: t.client.id, fileName: "заказы.xlsx", body: chunked(file) },
        });
        expect(up).toMatchObject({ status: "ready", format: "xlsx", totalRows: 10_000, validRows: 9_500 });
        expect(up.invalidRows).toBe(500);
        expect(up.columns.every((c) => c !== null)).toBe(true);

        // Each kind of bad row is named with its reason, in Russian, with the row number of the file.
        const bad = await listImportRows({ ctx: t.staffCtx, input: { id: up.id, limit: 200 } });
        expect(bad.rows).toHaveLength(200);
        expect(bad.rows[0]!.rowNo).toBe(21); // data row 20 is the file's row 21
        for (const [k, kind] of BAD_KINDS.entries()) {
          const row = bad.rows.find((r) => r.rowNo === 20 * (k || BAD_KINDS.length) + 1);
          expect(row?.error, kind.reason).toContain(kind.reason);
        }

        const views = await runImport(t.staffCtx, up.id);
        const progress = views.map((v) => v.processedRows);
        expect(progress.length).toBeGreaterThanOrEqual(19);
        expect(progress).toEqual([...progress].sort((a, b) => a - b));
        const done = views.at(-1)!;
        expect(done).toMatchObject({ status: "done", createdRows: 9_500, processedRows: 9_500, existingRows: 0 });
        expect(await ordersOf(tx, t.client.id)).toBe(9_500);
        // The orders are as the rows said, towns from the reference, phones normalised, the sender from the card.
        const [o] = await tx
          .select()
          .from(orders)
          .where(and(eq(orders.clientId, t.client.id), eq(orders.number, "X-3")));
        expect(o).toMatchObject({
          receiverTown: "Санкт-Петербург",
          receiverPhone: "+79031234503",
          codAmount: "1500.00",
        });
        expect(o!.senderCompany).toBe(t.client.name);
        expect(o!.receiverTimeMin).toBe("10:00");

        // The invalid rows come back as an xlsx with the file's columns plus «Строка файла» and «Ошибка».
        const errors = await exportInvalidRows({ ctx: t.staffCtx, input: { id: up.id } });
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(Buffer.from(await new Response(errors.stream).arrayBuffer()) as never);
        const ws = wb.worksheets[0]!;
        expect(ws.rowCount).toBe(501);
        expect(ws.getRow(1).values).toEqual([undefined, ...SAMPLE_HEADERS, "Строка файла", "Ошибка"]);
        expect(String(ws.getRow(2).getCell(SAMPLE_HEADERS.length + 2).value)).not.toBe("");

        // The same file again: every valid row is «уже есть» at preview, and importing creates nothing.
        const again = await uploadImport({
          ctx: t.staffCtx,
          input: { clientId: t.client.id, fileName: "заказы.xlsx", body: chunked(file) },
        });
        expect(again).toMatchObject({ status: "ready", validRows: 0, existingRows: 9_500, invalidRows: 500 });
        const exists = await listImportRows({ ctx: t.staffCtx, input: { id: again.id, status: "exists", limit: 1 } });
        expect(exists.rows[0]!.error).toBe(EXISTS_MESSAGE);
        const second = await runImport(t.staffCtx, again.id);
        expect(second.at(-1)).toMatchObject({ status: "done", createdRows: 0 });
        expect(await ordersOf(tx, t.client.id)).toBe(9_500);
      }),
    120_000,
  );

  it("rows imported between preview and import are reported as duplicates, not created twice", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const file = sampleCsv({ rows: 30, badEvery: 0, prefix: "R" });
      const a = await uploadImport({
        ctx: t.staffCtx,
        input: { clientId: t.client.id, fileName: "a.csv", body: chunked(file) },
      });
      const b = await uploadImport({
        ctx: t.staffCtx,
        input: { clientId: t.client.id, fileName: "a.csv", body: chunked(file) },
      });
      expect(b.validRows).toBe(30);
      await runImport(t.staffCtx, a.id);
      const done = (await runImport(t.staffCtx, b.id)).at(-1)!;
      expect(done).toMatchObject({ createdRows: 0, existingRows: 30 });
      expect(await ordersOf(tx, t.client.id)).toBe(30);
    }));

  it("reads a «;» CSV with a BOM, decimal commas and quoted fields; Windows-1251 too", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const file = sampleCsv({ rows: 40, badEvery: 20, prefix: "C" });
      const up = await uploadImport({ ctx: t.clientCtx, input: { fileName: "orders.csv", body: chunked(file, 7) } });
      expect(up).toMatchObject({ format: "csv", status: "ready", totalRows: 40, validRows: 38, invalidRows: 2 });
      expect(up.headers).toEqual(SAMPLE_HEADERS);

      const rows: string[][] = [];
      const text = 'Номер;Адрес;Комментарий\r\n1;"ул. Мира; д. 5";"сказал ""позвони"""\n2;"две\nстроки";\n';
      for await (const r of csvRows(chunked(Buffer.from(text), 3))) rows.push(r.cells);
      expect(rows).toEqual([
        ["Номер", "Адрес", "Комментарий"],
        ["1", "ул. Мира; д. 5", 'сказал "позвони"'],
        ["2", "две\nстроки", ""],
      ]);
      const cp1251 = new Uint8Array([0xcd, 0xee, 0xec, 0xe5, 0xf0, 0x2c, 0xc3, 0xee, 0xf0, 0xee, 0xe4, 0x0a]);
      const decoded: string[][] = [];
      for await (const r of csvRows(chunked(Buffer.from(cp1251)))) decoded.push(r.cells);
      expect(decoded).toEqual([["Номер", "Город"]]);
    }));

  it("an unknown header waits for the mapping step; the answer is saved per client and used for its next file", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createClient(tx, t.company.id);
      const headers = SAMPLE_HEADERS.map((h) => (h === "Город" ? "Нас. пункт доставки" : h));
      const file = await sampleXlsx({ rows: 10, badEvery: 0, prefix: "M" }, [...headers, "Склад"]);
      const up = await uploadImport({ ctx: t.clientCtx, input: { fileName: "m.xlsx", body: chunked(file) } });
      expect(up.status).toBe("mapping");
      expect(up.columns[3]).toBeNull();
      expect(up.columns[headers.length]).toBeNull();
      await expect(importStep({ ctx: t.clientCtx, input: { id: up.id } })).rejects.toThrow(/столбцах/);

      const columns = up.columns.map((c) => c ?? "skip");
      columns[3] = "receiver.town";
      columns[0] = "receiver.town";
      await expect(setImportMapping({ ctx: t.clientCtx, input: { id: up.id, columns } })).rejects.toThrow(
        "Поле «Город» выбрано для двух столбцов",
      );
      columns[0] = "number";
      const mapped = await setImportMapping({ ctx: t.clientCtx, input: { id: up.id, columns } });
      expect(mapped).toMatchObject({ status: "ready", validRows: 10 });
      const [saved] = await tx.select().from(importMappings).where(eq(importMappings.clientId, t.client.id));
      expect(saved!.mapping).toMatchObject({ "нас пункт доставки": "receiver.town", склад: "skip" });

      // The same headers next time map themselves for this client, but not for another one.
      const next = await uploadImport({ ctx: t.clientCtx, input: { fileName: "m2.xlsx", body: chunked(file) } });
      expect(next.status).toBe("ready");
      const foreign = await uploadImport({
        ctx: t.staffCtx,
        input: { clientId: other.id, fileName: "m3.xlsx", body: chunked(file) },
      });
      expect(foreign.status).toBe("mapping");
    }));

  it("a client imports for itself only; another company's client or import is not found", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const sibling = await createClient(tx, t.company.id);
      const victim = await createTenant(tx);
      const file = sampleCsv({ rows: 3, badEvery: 0, prefix: "S" });

      // A client account naming another client still imports for itself.
      const own = await uploadImport({
        ctx: t.clientCtx,
        input: { clientId: sibling.id, fileName: "s.csv", body: chunked(file) },
      });
      expect(own.clientId).toBe(t.client.id);
      // Staff of another company cannot import for the victim's client.
      await expect(
        uploadImport({
          ctx: victim.staffCtx,
          input: { clientId: t.client.id, fileName: "s.csv", body: chunked(file) },
        }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });

      // A sibling client account and another company's staff see no trace of the import.
      const siblingCtx: ServiceContext = {
        db: tx,
        actor: { type: "client", companyId: t.company.id, clientId: sibling.id },
      };
      for (const ctx of [siblingCtx, victim.staffCtx]) {
        await expect(getImport({ ctx, input: { id: own.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
        await expect(importStep({ ctx, input: { id: own.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
        await expect(listImportRows({ ctx, input: { id: own.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
        await expect(exportInvalidRows({ ctx, input: { id: own.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
        await expect(
          setImportMapping({ ctx, input: { id: own.id, columns: own.columns.map(() => "skip") } }),
        ).rejects.toMatchObject({ code: "NOT_FOUND" });
      }
      const rows = await tx.select().from(orderImportRows).where(eq(orderImportRows.importId, own.id));
      expect(rows.every((r) => r.status === "valid")).toBe(true);

      // A read-only staff user of the owner may look but neither upload nor import.
      const readOnly: ServiceContext = {
        db: tx,
        actor: { type: "staff", companyId: t.company.id, userId: t.staff.id, role: "readonly" },
      };
      await expect(
        uploadImport({ ctx: readOnly, input: { clientId: t.client.id, fileName: "s.csv", body: chunked(file) } }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(importStep({ ctx: readOnly, input: { id: own.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await getImport({ ctx: readOnly, input: { id: own.id } })).status).toBe("ready");

      // The owner's staff import it.
      const done = (await runImport(t.staffCtx, own.id)).at(-1)!;
      expect(done.createdRows).toBe(3);
    }));

  it("refuses a file over 20 MB without reading it whole, and an empty or header-only file", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      let read = 0;
      async function* endless() {
        const chunk = Buffer.alloc(1024 * 1024, 0x41);
        for (;;) {
          read += chunk.length;
          yield chunk;
        }
      }
      await expect(uploadImport({ ctx: t.clientCtx, input: { fileName: "big.csv", body: endless() } })).rejects.toThrow(
        TOO_BIG_MESSAGE,
      );
      expect(read).toBeLessThanOrEqual(MAX_IMPORT_BYTES + 1024 * 1024);
      await expect(
        uploadImport({ ctx: t.clientCtx, input: { fileName: "e.csv", body: chunked(Buffer.alloc(0)) } }),
      ).rejects.toThrow("Файл пуст");
      await expect(
        uploadImport({ ctx: t.clientCtx, input: { fileName: "h.csv", body: chunked(Buffer.from("Номер;Город\n")) } }),
      ).rejects.toThrow(/только строка заголовков/);
      expect(sampleRows({ rows: 40 }).length).toBe(40);
    }));

  it("housekeeping drops imports untouched for a month, with their rows, and keeps the rest", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const file = sampleCsv({ rows: 3, badEvery: 0, prefix: "H" });
      const old = await uploadImport({ ctx: t.clientCtx, input: { fileName: "old.csv", body: chunked(file) } });
      const fresh = await uploadImport({ ctx: t.clientCtx, input: { fileName: "new.csv", body: chunked(file) } });
      await tx
        .update(orderImports)
        .set({ updatedAt: new Date(Date.now() - 31 * 86_400_000) })
        .where(eq(orderImports.id, old.id));
      const { deleted } = await sweepOrderImports(tx);
      expect(deleted).toBeGreaterThanOrEqual(1);
      expect(await tx.select().from(orderImportRows).where(eq(orderImportRows.importId, old.id))).toHaveLength(0);
      expect(await tx.select().from(orderImportRows).where(eq(orderImportRows.importId, fresh.id))).toHaveLength(3);
    }));
});
