import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "@/db/client";
import { createOrders, createTenant, today } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import type { Actor } from "@/server/services/context";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { codView, exportCodView } from "@/server/services/payments/cod-view";
import { refreshVerification, sendVerification } from "@/server/services/payments/verification";
import { startPimPayStandIn, type PimPayStandIn } from "@/server/stand-ins/pimpay/server";
import { scene } from "./scene";

// The export route reads the signed-in account through next-auth; here it is whoever the test says.
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/server/auth", () => ({
  getSession: async () => (session.actor ? { actor: session.actor } : null),
}));

let GET: (req: Request) => Promise<Response>;
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let standIn: PimPayStandIn;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 6 });
  standIn = await startPimPayStandIn({ deliveryServices: [{ code: "kurier_hub", title: "Курьер-Хаб (тест)" }] });
  standIn.configure({ verificationDelayMs: 0 });
  // The route handler reads the app's database (getDb) from DATABASE_URL: this file's own database.
  process.env.DATABASE_URL = iso.url;
  ({ GET } = await import("@/app/api/payments/cod-export/route"));
});

afterEach(() => {
  session.actor = null;
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

  it("the export route: signed out → sign in; a client account, a foreign client, a bad period → a page saying why", async () => {
    const s = await scene(conn.db, standIn);
    const other = await createTenant(conn.db);
    const url = (q: string) => new Request(`http://hub/api/payments/cod-export?${q}`);
    const q = `from=${period.from}&to=${period.to}`;

    const out = await GET(url(q));
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toContain("/login?callbackUrl=");

    session.actor = s.t.staffCtx.actor;
    const ok = await GET(url(`${q}&clientId=${s.t.client.id}`));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("spreadsheetml");
    expect(ok.headers.get("content-disposition")).toMatch(/^attachment; filename="cod-/);
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await ok.arrayBuffer()) as ArrayBuffer);
    expect(wb.getWorksheet("Свод")!.getRow(2).getCell(1).value).toBe(s.t.client.name);
    expect(wb.getWorksheet("Заказы")!.rowCount).toBe(5);

    session.actor = other.staffCtx.actor;
    const foreign = await GET(url(`${q}&clientId=${s.t.client.id}`));
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toContain("Клиент: не найдено");
    expect((await GET(url("from=2026-02-30&to=2026-03-01"))).status).toBe(400);

    session.actor = s.t.clientCtx.actor;
    expect((await GET(url(q))).status).toBe(403);
  });
});
