import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { integrations, orders, orderStatusHistory, transfers } from "@/db/schema";
import { createOrders, createTenant, sendViaManifest } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { runCancels } from "@/server/services/exchange/cancel";
import { printPartnerForms } from "@/server/services/exchange/print";
import { pollPartnerStatuses } from "@/server/services/exchange/status";
import { runTransfers, sweepStuckTransfers } from "@/server/services/exchange/transfer";
import { cancelOrder } from "@/server/services/orders/lifecycle";
import { DEMO_ACCOUNT, DEMO_GATE_USER, startTopDeliveryStandIn } from "@/server/stand-ins/topdelivery/server";

// TopDelivery through the exchange engine against its stand-in: a WSDL with a namespace of its own, Basic auth, and
// 4 requests/s enforced.
const FAST = { baseDelayMs: 5, maxDelayMs: 20, giveUpAfterMs: 60_000 };
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let td: Awaited<ReturnType<typeof startTopDeliveryStandIn>>;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 6 });
});

afterEach(async () => {
  await td?.close();
});

afterAll(async () => {
  await conn?.sql.end();
  await iso?.drop();
});

async function setUp() {
  td = await startTopDeliveryStandIn();
  const t = await createTenant(conn.db);
  const [integration] = await conn.db
    .insert(integrations)
    .values({
      companyId: t.company.id,
      branchId: t.branch.id,
      integrator: "topdelivery",
      settings: {
        login: DEMO_ACCOUNT.login,
        password: DEMO_ACCOUNT.password,
        gateLogin: DEMO_GATE_USER.login,
        gatePassword: DEMO_GATE_USER.password,
        gateUrl: td.wsdlUrl,
        pollMinutes: 15,
      },
    })
    .returning();
  const send = async (n: number) => {
    const created = await createOrders(conn.db, t.company.id, t.client.id, n);
    const m = await sendViaManifest(
      t.staffCtx,
      t.branch.id,
      created.map((o) => o.id),
    );
    return { created, manifestId: m.id };
  };
  return { t, integration: integration!, send };
}

const transfersOf = (integrationId: number) =>
  conn.db.select().from(transfers).where(eq(transfers.integrationId, integrationId)).orderBy(transfers.id);

describe("TopDelivery through the exchange engine (stand-in)", () => {
  it("hands 150 orders over in two addOrders calls, stores the orderId + barcode + webshopNumber triple, never above 4 requests/s", async () => {
    const { integration, send } = await setUp();
    await send(150);
    const run = await runTransfers(conn.db, integration.id, { policy: FAST, batchSize: 150 });
    expect(run).toMatchObject({ sent: 150, failed: 0, retrying: 0 });
    expect(td.counters.requests.addOrders).toBe(2);
    const rows = await transfersOf(integration.id);
    expect(rows.every((r) => r.partnerOrderCode && r.partnerRef === r.partnerOrderCode)).toBe(true);
    expect(rows[0]!.partnerDetails).toMatchObject({ barcode: expect.stringMatching(/^TD\d{10}$/) });
    expect(td.counters.rateLimited).toBe(0);
    expect(td.counters.peakRps).toBeLessThanOrEqual(4);
  });

  it("a crash between addOrders and our commit: the retry finds the orders by webshopNumber, TopDelivery holds each once", async () => {
    const { integration, send } = await setUp();
    await send(5);
    await expect(
      runTransfers(conn.db, integration.id, {
        policy: FAST,
        lockMs: 50,
        afterPartnerAccepted: async () => {
          throw new Error("worker killed");
        },
      }),
    ).rejects.toThrow("worker killed");
    expect(td.counters.ordersCreated).toBe(5);
    await new Promise((r) => setTimeout(r, 80));
    expect(await sweepStuckTransfers(conn.db)).toBe(5);
    await new Promise((r) => setTimeout(r, 60));
    expect(await runTransfers(conn.db, integration.id, { policy: FAST })).toMatchObject({ sent: 5 });
    expect(td.counters.ordersCreated).toBe(5);
    expect(td.counters.requests.addOrders).toBe(1);
  });

  it("statuses by polling getOrdersInfo: work statuses mapped, a refusal keeps its reason, an unknown order status is kept aside", async () => {
    const { integration, send } = await setUp();
    const { created } = await send(3);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    const numbers = created.map((o) => o.number);
    td.setStatus({ webshopNumber: numbers[0], workStatus: 3 });
    td.setStatus({ webshopNumber: numbers[1], workStatus: 5, reasonId: 3 });
    td.setStatus({ webshopNumber: numbers[2], workStatus: 1, statusId: 9041, statusName: "Загадочный статус" });
    await conn.db
      .update(transfers)
      .set({ statusCheckedAt: sql`now() - interval '1 hour'` })
      .where(eq(transfers.integrationId, integration.id));
    const polled = await pollPartnerStatuses(conn.db, integration.id);
    expect(polled).toMatchObject({ events: 3, applied: 2, unmapped: 1 });
    const status = async (id: number) =>
      (await conn.db.select({ s: orders.status }).from(orders).where(eq(orders.id, id)))[0]!.s;
    expect(await status(created[0]!.id)).toBe("COMPLETE");
    expect(await status(created[1]!.id)).toBe("CANCELED");
    const [refusal] = await conn.db
      .select({ comment: orderStatusHistory.comment })
      .from(orderStatusHistory)
      .where(eq(orderStatusHistory.orderId, created[1]!.id))
      .orderBy(sql`${orderStatusHistory.id} desc`)
      .limit(1);
    expect(refusal!.comment).toContain("причина отказа: Передумал приобретать");
    expect(await status(created[2]!.id)).not.toBe("CANCELED");
  });

  it("orders are polled less often as they age: a 3-day-old order waits 4 intervals, a fresh one 1", async () => {
    const { integration, send } = await setUp();
    const { created } = await send(2);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    const [old, fresh] = created.map((o) => o.id);
    const age = async (orderId: number, sentAgo: string, checkedAgo: string) =>
      conn.db
        .update(transfers)
        .set({ sentAt: sql`now() - ${sentAgo}::interval`, statusCheckedAt: sql`now() - ${checkedAgo}::interval` })
        .where(eq(transfers.orderId, orderId));
    await age(old!, "3 days", "40 minutes");
    await age(fresh!, "1 hour", "20 minutes");
    const before = td.counters.requests.getOrdersInfo ?? 0;
    await pollPartnerStatuses(conn.db, integration.id);
    expect((td.counters.requests.getOrdersInfo ?? 0) - before).toBe(1);
    const checked = await conn.db
      .select({
        orderId: transfers.orderId,
        recent: sql<boolean>`${transfers.statusCheckedAt} > now() - interval '1 minute'`,
      })
      .from(transfers)
      .where(eq(transfers.integrationId, integration.id));
    expect(Object.fromEntries(checked.map((c) => [c.orderId, c.recent]))).toEqual({ [old!]: false, [fresh!]: true });
  });

  it("cancel with deleteOrder while TopDelivery allows it; the manifest's act comes from the print gate", async () => {
    const { t, integration, send } = await setUp();
    const { created, manifestId } = await send(2);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    const act = await printPartnerForms({ ctx: t.staffCtx, input: { form: "act", manifestId } });
    expect(Buffer.from(act.body).subarray(0, 5).toString()).toBe("%PDF-");
    await expect(printPartnerForms({ ctx: t.staffCtx, input: { form: "waybill", manifestId } })).rejects.toThrow(
      "Накладная партнёра: у «TopDelivery» такой формы нет",
    );

    expect(await cancelOrder({ ctx: t.staffCtx, input: { id: created[0]!.id } })).toMatchObject({
      outcome: "requested",
    });
    await runCancels(conn.db, integration.id);
    const [row] = (await transfersOf(integration.id)).filter((r) => r.orderId === created[0]!.id);
    expect(row!.cancelState).toBe("done");
  });
});
