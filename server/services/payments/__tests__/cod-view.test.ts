import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { createOrders, createTenant, today } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { codView, exportCodView } from "@/server/services/payments/cod-view";
import { refreshVerification, sendVerification } from "@/server/services/payments/verification";
import { startPimPayStandIn, type PimPayStandIn } from "@/server/stand-ins/pimpay/server";
import { scene } from "./scene";

let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let standIn: PimPayStandIn;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 6 });
  standIn = await startPimPayStandIn({ deliveryServices: [{ code: "kurier_hub", title: "Курьер-Хаб (тест)" }] });
  standIn.configure({ verificationDelayMs: 0 });
});

afterAll(async () => {
  await standIn?.close();
  await conn?.sql.end();
  await iso?.drop();
});

const period = { from: today(-1), to: today(1) };

async function readAll(stream: ReadableStream<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

describe("COD view", () => {
  it("per client: expected, collected, remitted, sent, verified, totals, and the mismatches", async () => {
    const s = await scene(conn.db, standIn);
    const view = await codView({ ctx: s.t.staffCtx, input: period });
    const shop = view.rows.find((r) => r.clientId === s.t.client.id)!;
    const plain = view.rows.find((r) => r.clientId === s.plain.id)!;
    // Four COD orders: 1500 own, 1000 + 1000 via CDEK (one paid by a registry), 500 on the way.
    expect(shop).toMatchObject({
      orders: 4,
      delivered: 3,
      expected: "4000.00",
      collected: "3500.00",
      collectedCdek: "2000.00",
      remittedCdek: "1000.00",
      // CDEK's 1000 plus the 1500 we collected ourselves.
      remitted: "2500.00",
      sentToPimpay: "4000.00",
      verified: "0.00",
      cdekUnremitted: 1,
      cdekDiffers: 0,
      deliveredNotSent: 0,
      sentNotVerified: 3,
    });
    expect(shop.mismatches).toEqual([
      expect.stringContaining("Собрано СДЭК 2000.00 ≠ перечислено 1000.00 (не перечислено СДЭК заказов: 1)"),
      "Передано в PimPay, но не сверено: 3",
    ]);
    // Not a PimPay client: nothing is expected to go to PimPay, so nothing is flagged.
    expect(plain).toMatchObject({ expected: "700.00", collected: "700.00", remitted: "700.00", sentToPimpay: "0.00" });
    expect(plain.mismatches).toEqual([]);
    expect(view.totals).toMatchObject({ orders: 5, expected: "4700.00", collected: "4200.00", remitted: "3200.00" });

    // PimPay matches a reconciliation of the three delivered orders: verified, nothing left unverified.
    const sent = await sendVerification({
      ctx: s.t.staffCtx,
      input: { clientId: s.t.client.id, ...period, paymentOrder: { number: "55", date: today(), sum: 2700 } },
    });
    standIn.settleVerifications({ token: s.token });
    expect((await refreshVerification({ ctx: s.t.staffCtx, input: { id: sent.id } })).status).toBe("matched");
    const after = await codView({ ctx: s.t.staffCtx, input: { ...period, clientId: s.t.client.id } });
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]).toMatchObject({ verified: "3500.00", sentNotVerified: 0 });
    expect(after.rows[0]!.mismatches).toHaveLength(1);
    expect(after.totals).toMatchObject({ expected: "4000.00", verified: "3500.00" });

    // An empty period: no rows, no totals.
    const empty = await codView({ ctx: s.t.staffCtx, input: { from: "2020-01-01", to: "2020-01-31" } });
    expect(empty).toMatchObject({ rows: [], totals: null });
  });

  it("a delivered order of a PimPay client never sent to PimPay is flagged", async () => {
    const s = await scene(conn.db, standIn);
    // Delivered after the payments engine last ran: PimPay has not got it yet.
    const [late] = await createOrders(conn.db, s.t.company.id, s.t.client.id, 1, { codAmount: 900 });
    await setOrderStatus({ ctx: s.t.staffCtx, input: { id: late!.id, status: "COMPLETE" } });
    const view = await codView({ ctx: s.t.staffCtx, input: { ...period, clientId: s.t.client.id } });
    expect(view.rows[0]).toMatchObject({ deliveredNotSent: 1, sentToPimpay: "4000.00", expected: "4900.00" });
    expect(view.rows[0]!.mismatches).toContain("Доставлено, но не передано в PimPay: 1");
  });

  it("exports an xlsx that reads back with the clients, the totals and every order", async () => {
    const s = await scene(conn.db, standIn);
    const file = await exportCodView({ ctx: s.t.staffCtx, input: period });
    const bytes = await readAll(file.stream);
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const summary = wb.getWorksheet("Свод")!;
    const values = (n: number) => (summary.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      "Клиент",
      "ИНН",
      "Заказов",
      "Доставлено",
      "Ожидается НП",
      "Собрано",
      "Перечислено",
      "Передано в PimPay",
      "Сверено",
      "Расхождения",
    ]);
    const rows = [2, 3, 4].map(values);
    const shop = rows.find((r) => r[0] === s.t.client.name)!;
    expect(shop.slice(2, 9)).toEqual([4, 3, 4000, 3500, 2500, 4000, 0]);
    expect(String(shop[9])).toContain("Собрано СДЭК");
    expect(rows.find((r) => r[0] === "Без PimPay")!.slice(4, 7)).toEqual([700, 700, 700]);
    expect(rows[2]!.slice(0, 7)).toEqual(["Итого", undefined, 5, 4, 4700, 4200, 3200]);
    const orders = wb.getWorksheet("Заказы")!;
    expect(orders.rowCount).toBe(6);
    const ids = [2, 3, 4, 5, 6].map((n) => orders.getRow(n).getCell(1).value);
    expect(ids).toEqual([s.own.id, s.cdekPaid.id, s.cdekUnpaid.id, s.onTheWay.id, s.plainOrder.id]);
    expect(orders.getRow(3).getCell(7).value).toBe(1000);
    expect(orders.getRow(3).getCell(5).value).toBe("СДЭК");
  });

  it("another company's client is not found; a client account is refused", async () => {
    const s = await scene(conn.db, standIn);
    const other = await createTenant(conn.db);
    const input = { ...period, clientId: s.t.client.id };
    await expect(codView({ ctx: other.staffCtx, input })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(exportCodView({ ctx: other.staffCtx, input })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Without a client filter the other company sees only its own (none).
    expect(await codView({ ctx: other.staffCtx, input: period })).toMatchObject({ rows: [], totals: null });
    await expect(codView({ ctx: s.t.clientCtx, input })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(codView({ ctx: s.t.staffCtx, input: { from: today(1), to: today(-1) } })).rejects.toThrow(
      "Начало периода позже его конца",
    );
  });
});
