import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { paymentVerifications } from "@/db/schema";
import { createTenant, today } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import {
  listVerifications,
  previewVerification,
  refreshVerification,
  sendVerification,
} from "@/server/services/payments/verification";
import { startPimPayStandIn, type PimPayStandIn } from "@/server/stand-ins/pimpay/server";
import { scene, SHOP_INN } from "./scene";

// Reconciliations end to end: rows built from our orders and CDEK's registries, sent signed to the PimPay stand-in,
// settled there by its rule (every order known, rows add up to the payment order) and read back.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let standIn: PimPayStandIn;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 6 });
  standIn = await startPimPayStandIn({ deliveryServices: [{ code: "kurier_hub", title: "Курьер-Хаб (тест)" }] });
  // Settled only when the test says so.
  standIn.configure({ verificationDelayMs: 0 });
});

afterAll(async () => {
  await standIn?.close();
  await conn?.sql.end();
  await iso?.drop();
});

// Around today in any time zone: delivery moments are now, days are Moscow's.
const period = { from: today(-1), to: today(1) };

describe("PimPay reconciliation", () => {
  it("builds rows from our records: own delivery's COD, CDEK's registry amount, not-yet-remitted warned", async () => {
    const s = await scene(conn.db, standIn);
    expect(s.pushed).toMatchObject({ failed: 0 });
    const p = await previewVerification({
      ctx: s.t.staffCtx,
      input: { clientId: s.t.client.id, ...period, paymentOrder: { number: "101", date: today(), sum: 1000 } },
    });
    // The undelivered order and the other client's order are not in it.
    expect(p.rows.map((r) => r.orderId)).toEqual([s.own.id, s.cdekPaid.id, s.cdekUnpaid.id]);
    const [own, paid, unpaid] = p.rows;
    expect(own).toMatchObject({
      carrier: "own",
      fromRecipient: 1500,
      deliveryCost: 300,
      cashFee: 0,
      insurance: 0,
      toPimpay: 1200,
      warnings: [],
    });
    expect(paid).toMatchObject({ carrier: "cdek", remittances: "R-77", fromRecipient: 1000, toPimpay: 750 });
    expect(paid!.warnings).toEqual([]);
    expect(unpaid).toMatchObject({ carrier: "cdek", remittances: null, fromRecipient: 1000, toPimpay: 750 });
    expect(unpaid!.warnings).toEqual([expect.stringContaining("СДЭК ещё не перечислил")]);
    expect(p.totals).toMatchObject({ fromRecipient: 3500, deliveryCost: 800, toPimpay: 2700 });
    expect(p).toMatchObject({ sumMatches: false, difference: -1700, canSend: true });

    // A cash fee only when the user states the contract's percent.
    const withFee = await previewVerification({
      ctx: s.t.staffCtx,
      input: {
        clientId: s.t.client.id,
        orderIds: [s.own.id, s.onTheWay.id],
        paymentOrder: { number: "101", date: today(), sum: 1185 },
        cashFeePercent: 1,
      },
    });
    expect(withFee.rows).toHaveLength(1);
    expect(withFee.rows[0]).toMatchObject({ cashFee: 15, toPimpay: 1185 });
    expect(withFee.skipped).toEqual([{ orderId: s.onTheWay.id, reason: expect.stringContaining("не доставлен") }]);
    expect(withFee.sumMatches).toBe(true);
  });

  it("sends → pending → PimPay matches it; a second one for the same payment order is refused", async () => {
    const s = await scene(conn.db, standIn);
    const input = { clientId: s.t.client.id, ...period, paymentOrder: { number: "202", date: today(), sum: 2700 } };
    const p = await previewVerification({ ctx: s.t.staffCtx, input });
    const sent = await sendVerification({ ctx: s.t.staffCtx, input: { ...input, digest: p.digest } });
    expect(sent).toMatchObject({ status: "pending", externalId: `KH-${sent.id}`, rowCount: 3, rowsTotal: 2700 });
    const there = standIn.verifications(s.token);
    expect(there).toHaveLength(1);
    expect(there[0]).toMatchObject({ id: sent.externalId, tin: SHOP_INN, paymentOrder: { num: 202, sum: 2700 } });
    expect(there[0]!.rows.map((r) => [r.oid, r.ptp, r.pfr, r.dc])).toEqual([
      [String(s.own.id), 1200, 1500, 300],
      [String(s.cdekPaid.id), 750, 1000, 250],
      [String(s.cdekUnpaid.id), 750, 1000, 250],
    ]);

    expect(await refreshVerification({ ctx: s.t.staffCtx, input: { id: sent.id } })).toMatchObject({
      status: "pending",
    });
    standIn.settleVerifications({ token: s.token });
    const matched = await refreshVerification({ ctx: s.t.staffCtx, input: { id: sent.id } });
    expect(matched).toMatchObject({ status: "matched", errors: [] });

    await expect(sendVerification({ ctx: s.t.staffCtx, input })).rejects.toThrow("уже есть сверка");
    // The matched orders are said to be in it when previewed again.
    const again = await previewVerification({
      ctx: s.t.staffCtx,
      input: { ...input, paymentOrder: { ...input.paymentOrder, number: "203" } },
    });
    expect(again.rows[0]!.warnings).toEqual([expect.stringContaining(`Уже в сверке ${sent.externalId}`)]);
  });

  it("a wrong sum is discarded with PimPay's errors; a stale preview and an unreachable PimPay are told", async () => {
    const s = await scene(conn.db, standIn);
    const input = { clientId: s.t.client.id, ...period, paymentOrder: { number: "303", date: today(), sum: 2500 } };
    const p = await previewVerification({ ctx: s.t.staffCtx, input });
    expect(p.difference).toBe(-200);
    await expect(sendVerification({ ctx: s.t.staffCtx, input: { ...input, digest: "0".repeat(64) } })).rejects.toThrow(
      "изменились",
    );
    const sent = await sendVerification({ ctx: s.t.staffCtx, input: { ...input, digest: p.digest } });
    standIn.settleVerifications({ token: s.token });
    const discarded = await refreshVerification({ ctx: s.t.staffCtx, input: { id: sent.id } });
    expect(discarded.status).toBe("discarded");
    expect(discarded.errors).toEqual([expect.stringContaining("не совпадает с суммой платёжного поручения №303")]);

    // Refused: a new one for the same payment order may go. PimPay not answering → failed with the reason.
    standIn.failNext(1, "500");
    const failed = await sendVerification({
      ctx: s.t.staffCtx,
      input: { ...input, paymentOrder: { ...input.paymentOrder, sum: 2700 } },
    });
    expect(failed.status).toBe("failed");
    expect(failed.errors[0]).toBeTruthy();
    await expect(refreshVerification({ ctx: s.t.staffCtx, input: { id: failed.id } })).rejects.toThrow(
      "не дошла до PimPay",
    );
    const [stored] = await conn.db.select().from(paymentVerifications).where(eq(paymentVerifications.id, failed.id));
    expect(stored).toMatchObject({ status: "failed", paymentOrderSum: "2700.00" });

    const list = await listVerifications({ ctx: s.t.staffCtx, input: {} });
    expect(list.items.map((v) => [v.id, v.status])).toEqual([
      [failed.id, "failed"],
      [sent.id, "discarded"],
    ]);
  });

  it("another company's client or reconciliation is not found; a client account is refused", async () => {
    const s = await scene(conn.db, standIn);
    const other = await createTenant(conn.db);
    const input = { clientId: s.t.client.id, ...period, paymentOrder: { number: "404", date: today(), sum: 2700 } };
    await expect(previewVerification({ ctx: other.staffCtx, input })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(sendVerification({ ctx: other.staffCtx, input })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      previewVerification({
        ctx: other.staffCtx,
        input: { ...input, clientId: other.client.id, orderIds: [s.own.id] },
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const sent = await sendVerification({ ctx: s.t.staffCtx, input });
    await expect(refreshVerification({ ctx: other.staffCtx, input: { id: sent.id } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await listVerifications({ ctx: other.staffCtx, input: {} })).items).toEqual([]);
    await expect(previewVerification({ ctx: s.t.clientCtx, input })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
