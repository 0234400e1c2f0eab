import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Queryable, Transaction } from "@/db/client";
import { orders } from "@/db/schema";
import { createClient, createOrders, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import type { ServiceContext } from "../../context";
import { exportOrders } from "../export";
import { exportInputOf } from "../export-schemas";
import { listOrders, SEARCH_COUNT_CAP } from "../list";
import type { ListOrdersInput } from "../schemas";
import { phoneQuery } from "../search";

type Tenant = Awaited<ReturnType<typeof createTenant>>;

/** One order with the given number, barcode and receiver (the factory's sample otherwise). */
async function order(
  db: Queryable,
  t: Tenant,
  o: {
    number: string;
    barcode?: string;
    person?: string;
    phone?: string;
    town?: string;
    address?: string;
    cod?: number;
  },
  clientId = t.client.id,
) {
  const [r] = await createOrders(db, t.company.id, clientId, 1, {
    number: o.number,
    barcode: o.barcode,
    codAmount: o.cod ?? 1000,
    receiver: {
      person: o.person ?? "Иванов Иван",
      phone: o.phone ?? "+7 900 000-00-00",
      town: o.town ?? "Москва",
      address: o.address ?? "ул. Ленина, д. 1",
    },
  });
  return r!.id;
}

const found = async (ctx: ServiceContext, input: ListOrdersInput) =>
  (await listOrders({ ctx, input })).items.map((o) => o.number).sort();

/** A small company: four orders of the tenant's client, one of another client, and a stranger company's twins. */
async function scene(tx: Transaction) {
  const t = await createTenant(tx);
  const other = await createTenant(tx);
  const neighbour = await createClient(tx, t.company.id);
  await order(tx, t, {
    number: "SHOP-10012",
    barcode: "4601234567890",
    person: "Семёнова Анна Петровна",
    phone: "+7 (912) 345-67-89",
    town: "Казань",
    address: "ул. Ленина, д. 12, кв. 5",
    cod: 500,
  });
  const raw = await order(tx, t, {
    number: "SHOP-20077",
    barcode: "4609999000011",
    person: "Петров Пётр",
    phone: "+7 900 111-22-33",
    address: "пр. Мира, д. 7",
    cod: 2500,
  });
  // A phone kept as a shop sent it (the XML API stores what is not a phone as it came).
  await tx.update(orders).set({ receiverPhone: "8 912 345 67 89 доб. 1" }).where(eq(orders.id, raw));
  await order(tx, t, { number: "A-1", person: "Анна Смирнова", address: "ул. Ленина, д. 13", cod: 0 });
  await order(tx, t, { number: "ORD-555", person: "ООО Ромашка", address: "ул. Садовая, д. 1", cod: 100 });
  await order(tx, t, { number: "N-1", person: "Семёнова Анна", phone: "+79123456789" }, neighbour.id);
  // Another company: the same names, numbers and phone — never found.
  await order(tx, other, {
    number: "SHOP-10012",
    barcode: "4601234567890",
    person: "Семёнова Анна Петровна",
    phone: "+7 (912) 345-67-89",
    town: "Казань",
    address: "ул. Ленина, д. 12, кв. 5",
  });
  return { t, other, neighbour };
}

describe("order search", () => {
  it("finds by any part of the number or barcode, the receiver, the phone in any format and the address", () =>
    withTestTransaction(async (tx) => {
      const { t } = await scene(tx);
      const ctx = t.staffCtx;
      // Number and barcode: any part, any case; fewer than three characters match the number's beginning.
      expect(await found(ctx, { search: "1001" })).toEqual(["SHOP-10012"]);
      expect(await found(ctx, { search: "hop-2", searchKind: "number" })).toEqual(["SHOP-20077"]);
      expect(await found(ctx, { search: "A-" })).toEqual(["A-1"]);
      expect(await found(ctx, { search: "-1", searchKind: "number" })).toEqual([]);
      expect(await found(ctx, { search: "99900", searchKind: "barcode" })).toEqual(["SHOP-20077"]);
      expect(await found(ctx, { search: "1234567", searchKind: "number" })).toEqual([]);
      // Receiver: words in any order, any case, ё = е; the neighbour client's order is the company's too.
      expect(await found(ctx, { search: "СЕМЕНОВА" })).toEqual(["N-1", "SHOP-10012"]);
      expect(await found(ctx, { search: "анна семёнова", searchKind: "receiver" })).toEqual(["N-1", "SHOP-10012"]);
      expect(await found(ctx, { search: "Анна" })).toEqual(["A-1", "N-1", "SHOP-10012"]);
      expect(await found(ctx, { search: "ромашка", searchKind: "receiver" })).toEqual(["ORD-555"]);
      expect(await found(ctx, { search: "Казань", searchKind: "receiver" })).toEqual([]);
      // Phone: three ways of writing it, and a part; the raw stored one and the normalised ones alike.
      for (const phone of ["+7 (912) 345-67-89", "89123456789", "9123456789", "345-67-89"]) {
        expect(await found(ctx, { search: phone }), phone).toEqual(["N-1", "SHOP-10012", "SHOP-20077"]);
        expect(await found(ctx, { search: phone, searchKind: "phone" }), phone).toEqual([
          "N-1",
          "SHOP-10012",
          "SHOP-20077",
        ]);
      }
      expect(await found(ctx, { search: "Семёнова", searchKind: "phone" })).toEqual([]);
      // Address: a part, words in any order, the town too; a short word (a house) must start a word.
      expect(await found(ctx, { search: "Ленина 12" })).toEqual(["SHOP-10012"]);
      expect(await found(ctx, { search: "ленина, д. 13", searchKind: "address" })).toEqual(["A-1"]);
      expect(await found(ctx, { search: "Казань ленина" })).toEqual(["SHOP-10012"]);
      expect(await found(ctx, { search: "Садовая", searchKind: "address" })).toEqual(["ORD-555"]);
      expect(await found(ctx, { search: "Ленина 2" })).toEqual([]);
      // LIKE's own characters are text here.
      expect(await found(ctx, { search: "%" })).toEqual([]);
      expect(await found(ctx, { search: "___" })).toEqual([]);
    }));

  it("never finds another company's orders, and a client only its own", () =>
    withTestTransaction(async (tx) => {
      const { t, other } = await scene(tx);
      expect(await found(other.staffCtx, { search: "семенова" })).toEqual(["SHOP-10012"]);
      expect(await found(other.staffCtx, { search: "9123456789" })).toEqual(["SHOP-10012"]);
      expect(await found(other.staffCtx, { search: "Мира" })).toEqual([]);
      expect(await found(t.clientCtx, { search: "семенова" })).toEqual(["SHOP-10012"]);
      expect(await found(t.clientCtx, { search: "89123456789" })).toEqual(["SHOP-10012", "SHOP-20077"]);
    }));

  it("gives the total on the first page, capped for a text search", () =>
    withTestTransaction(async (tx) => {
      const { t } = await scene(tx);
      const first = await listOrders({ ctx: t.staffCtx, input: { search: "Анна", limit: 2 } });
      expect(first.total).toEqual({ count: 3, more: false });
      expect(first.items).toHaveLength(2);
      const second = await listOrders({
        ctx: t.staffCtx,
        input: { search: "Анна", limit: 2, cursor: first.nextCursor! },
      });
      expect(second.total).toBeNull();
      expect(second.items).toHaveLength(1);
      expect((await listOrders({ ctx: t.staffCtx, input: {} })).total).toEqual({ count: 5, more: false });
      expect((await listOrders({ ctx: t.clientCtx, input: {} })).total).toEqual({ count: 4, more: false });
    }));

  it("pages a frequent search (more than the count's cap) through the list's order without losing or repeating", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const n = SEARCH_COUNT_CAP + 150;
      // Every third order is «Частов»: the walk finds its pages among the others.
      await tx.execute(sql`
        insert into orders (company_id, client_id, number, year, receiver_person, created_at)
        select ${t.company.id}, ${t.client.id}, 'F-' || g, 2026,
               case when g % 3 = 0 then 'Частов Иван' else 'Редкий Пётр' end, now() - make_interval(secs => g)
        from generate_series(1, ${n * 3}) g`);
      const first = await listOrders({ ctx: t.staffCtx, input: { search: "частов", limit: 200 } });
      expect(first.total).toEqual({ count: SEARCH_COUNT_CAP, more: true });
      const seen: string[] = first.items.map((o) => o.number);
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await listOrders({ ctx: t.staffCtx, input: { search: "частов", limit: 200, cursor } });
        seen.push(...page.items.map((o) => o.number));
        cursor = page.nextCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(n);
      // Newest first: F-3, F-6, … (created one second apart, F-1 the newest).
      expect(seen.slice(0, 3)).toEqual(["F-3", "F-6", "F-9"]);
      expect(seen.every((s) => Number(s.slice(2)) % 3 === 0)).toBe(true);
    }));
});

describe("order list sorting", () => {
  it("sorts by number, status, receiver and COD both ways, and keyset pages keep the order", () =>
    withTestTransaction(async (tx) => {
      const { t } = await scene(tx);
      const all = async (input: ListOrdersInput) => {
        const out: string[] = [];
        let cursor: number | undefined;
        do {
          const page = await listOrders({ ctx: t.clientCtx, input: { ...input, limit: 1, cursor } });
          out.push(...page.items.map((o) => o.number));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return out;
      };
      expect(await all({ sort: "cod", dir: "asc" })).toEqual(["A-1", "ORD-555", "SHOP-10012", "SHOP-20077"]);
      expect(await all({ sort: "cod", dir: "desc" })).toEqual(["SHOP-20077", "SHOP-10012", "ORD-555", "A-1"]);
      expect(await all({ sort: "number", dir: "asc" })).toEqual(["A-1", "ORD-555", "SHOP-10012", "SHOP-20077"]);
      expect(await all({ sort: "receiver", dir: "asc" })).toEqual(["A-1", "ORD-555", "SHOP-20077", "SHOP-10012"]);
      const created = await all({});
      expect(created).toEqual(["ORD-555", "A-1", "SHOP-20077", "SHOP-10012"]);
      expect(await all({ sort: "created", dir: "asc" })).toEqual([...created].reverse());
      const [a1] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.number, "A-1"));
      await tx.update(orders).set({ status: "DELIVERY" }).where(eq(orders.id, a1!.id));
      expect((await all({ sort: "status", dir: "asc" }))[0]).toBe("A-1");
      expect((await all({ sort: "status", dir: "desc" })).at(-1)).toBe("A-1");
    }));

  it("a cursor from another company starts nothing", () =>
    withTestTransaction(async (tx) => {
      const { t, other } = await scene(tx);
      const [foreign] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.companyId, other.company.id));
      const page = await listOrders({ ctx: t.staffCtx, input: { sort: "receiver", cursor: foreign!.id } });
      expect(page.items).toEqual([]);
    }));
});

const text = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer());

describe("order export", () => {
  it("xlsx: the list's filter and order, parsed back with exceljs", () =>
    withTestTransaction(async (tx) => {
      const { t } = await scene(tx);
      const file = await exportOrders({ ctx: t.staffCtx, input: { search: "Анна", sort: "number", dir: "asc" } });
      expect(file.contentType).toContain("spreadsheetml");
      const { default: ExcelJS } = await import("exceljs");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await text(file.stream)) as unknown as ArrayBuffer);
      const sheet = wb.getWorksheet("Заказы")!;
      expect(sheet.getRow(1).getCell(1).value).toBe("Номер");
      expect(sheet.rowCount).toBe(4);
      expect([2, 3, 4].map((r) => sheet.getRow(r).getCell(1).value)).toEqual(["A-1", "N-1", "SHOP-10012"]);
      const row = sheet.getRow(4);
      expect(row.getCell(2).value).toBe("4601234567890");
      expect(row.getCell(3).value).toBeInstanceOf(Date);
      expect(row.getCell(6).value).toBe("Семёнова Анна Петровна");
      expect(row.getCell(12).value).toBe(500);
    }));

  it("csv: UTF-8 BOM, «;» between fields, quoted when a field holds one, formulas defused", () =>
    withTestTransaction(async (tx) => {
      const { t } = await scene(tx);
      const [id] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.number, "ORD-555"));
      await tx
        .update(orders)
        .set({ receiverAddress: 'ул. Садовая; д. 1 "А"', receiverCompany: "=HYPERLINK(1)" })
        .where(eq(orders.id, id!.id));
      const file = await exportOrders({ ctx: t.staffCtx, input: { format: "csv", sort: "number", dir: "asc" } });
      expect(file.contentType).toBe("text/csv; charset=utf-8");
      const bytes = await text(file.stream);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString("utf8").slice(1).trimEnd().split("\r\n");
      expect(lines[0]!.split(";").slice(0, 4)).toEqual(["Номер", "Штрихкод", "Создан", "Статус"]);
      expect(lines.slice(1).map((l) => l.split(";")[0])).toEqual(["A-1", "N-1", "ORD-555", "SHOP-10012", "SHOP-20077"]);
      const ord = lines.find((l) => l.startsWith("ORD-555"))!;
      expect(ord).toContain('"ул. Садовая; д. 1 ""А"""');
      expect(ord).toContain(";'=HYPERLINK(1);");
      expect(ord).toContain(";100;");
      expect(lines.find((l) => l.startsWith("SHOP-10012"))).toContain(";+79123456789;");
    }));

  it("a client exports its own orders only, whatever client it names", () =>
    withTestTransaction(async (tx) => {
      const { t, neighbour } = await scene(tx);
      const numbers = async (input: Parameters<typeof exportOrders>[0]["input"]) =>
        (await text((await exportOrders({ ctx: t.clientCtx, input: { ...input, format: "csv" } })).stream))
          .toString("utf8")
          .trimEnd()
          .split("\r\n")
          .slice(1)
          .map((l) => l.split(";")[0])
          .sort();
      expect(await numbers({})).toEqual(["A-1", "ORD-555", "SHOP-10012", "SHOP-20077"]);
      expect(await numbers({ clientId: neighbour.id })).toEqual([]);
      expect(await numbers({ search: "Семёнова" })).toEqual(["SHOP-10012"]);
    }));

  it("reads the orders page's parameters and refuses a bad one", async () => {
    const input = exportInputOf(
      new URLSearchParams("format=csv&status=NEW&client=7&from=2026-01-01&q=Анна&kind=receiver&cod=1&sort=cod&dir=asc"),
    );
    expect(input).toMatchObject({
      format: "csv",
      status: "NEW",
      clientId: 7,
      dateFrom: "2026-01-01",
      search: "Анна",
      searchKind: "receiver",
      codPending: true,
      sort: "cod",
      dir: "asc",
    });
    const ctx = {
      db: null,
      actor: { type: "staff", companyId: 1, userId: 1, role: "admin" },
    } as unknown as ServiceContext;
    await expect(exportOrders({ ctx, input: exportInputOf(new URLSearchParams("format=pdf")) })).rejects.toThrow(
      "Формат: xlsx или csv",
    );
    await expect(exportOrders({ ctx, input: exportInputOf(new URLSearchParams("sort=weight")) })).rejects.toThrow();
  });

  it("phone queries: an 11-digit Russian number loses its 7 or 8; letters are not a phone", () => {
    expect(phoneQuery("+7 (912) 345-67-89")).toBe("9123456789");
    expect(phoneQuery("89123456789")).toBe("9123456789");
    expect(phoneQuery("9123456789")).toBe("9123456789");
    expect(phoneQuery("+44 20 7946 0958")).toBe("442079460958");
    expect(phoneQuery("Иванов")).toBeNull();
  });
});
