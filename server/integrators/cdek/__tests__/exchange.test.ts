import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { clients, integrations, integrationSync, orders, partnerTokens, transfers } from "@/db/schema";
import { createOrders, createTenant, sendViaManifest } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { startHookServer } from "@/db/test/hook-server";
import { startCdekStandIn, type CdekStandIn } from "@/server/stand-ins/cdek/server";
import { processHookDeliveries } from "@/server/services/exchange/hooks";
import { printPartnerForms } from "@/server/services/exchange/print";
import { resolveSubmitted } from "@/server/services/exchange/resolve";
import { runCancels } from "@/server/services/exchange/cancel";
import { pollPartnerStatuses } from "@/server/services/exchange/status";
import { syncSubscriptions } from "@/server/services/exchange/subscriptions";
import { runTransfers, sweepStuckTransfers } from "@/server/services/exchange/transfer";
import { cancelOrder } from "@/server/services/orders/lifecycle";

// The CDEK adapter end to end through the engine, against the CDEK stand-in in this process and the real hook route.
const FAST = { baseDelayMs: 5, maxDelayMs: 20, giveUpAfterMs: 60_000 };
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let cdek: CdekStandIn;
let hookServer: Awaited<ReturnType<typeof startHookServer>>;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 8 });
  process.env.DATABASE_URL = iso.url;
  hookServer = await startHookServer();
  // Hook addresses are built from the deployment's public address: here, the server above.
  process.env.PUBLIC_URL = hookServer.base;
});

afterEach(async () => {
  await cdek?.close();
});

afterAll(async () => {
  await hookServer?.close();
  await conn?.sql.end();
  await iso?.drop();
  delete process.env.PUBLIC_URL;
});

/** The first look CDEK advises (2–3 s) brought forward, as if that time had passed. */
async function resolveNow(integrationId: number) {
  await conn.db
    .update(transfers)
    .set({ nextAttemptAt: sql`now()` })
    .where(and(eq(transfers.integrationId, integrationId), eq(transfers.state, "submitted")));
  return resolveSubmitted(conn.db, integrationId, FAST);
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await wait(30);
  }
}

/** A tenant whose branch hands orders to CDEK (the stand-in); `orders` get a send date and so their transfers. */
async function setUp(
  opts: { validateDelayMs?: number; loseWebhooks?: number; settings?: Record<string, unknown> } = {},
) {
  cdek = await startCdekStandIn({ validateDelayMs: opts.validateDelayMs ?? 20, loseWebhooks: opts.loseWebhooks ?? 0 });
  const db = conn.db;
  const t = await createTenant(db);
  const [integration] = await db
    .insert(integrations)
    .values({
      companyId: t.company.id,
      branchId: t.branch.id,
      integrator: "cdek",
      settings: {
        account: "demo-account",
        securePassword: "demo-secure",
        apiUrl: cdek.url,
        tariffCode: 136,
        shipmentPoint: "MSK1",
        defaultDimensions: "30x20x10",
        ...opts.settings,
      },
    })
    .returning();
  const send = async (n: number, overrides: Record<string, unknown> = {}) => {
    const created = await createOrders(db, t.company.id, t.client.id, n, overrides);
    await sendViaManifest(
      t.staffCtx,
      t.branch.id,
      created.map((o) => o.id),
    );
    return created;
  };
  return { t, integration: integration!, send };
}

async function transfersOf(integrationId: number) {
  return conn.db.select().from(transfers).where(eq(transfers.integrationId, integrationId)).orderBy(transfers.id);
}

describe("CDEK through the exchange engine (stand-in)", () => {
  it("submitted with CDEK's uuid at once, confirmed by webhook after a read-back, statuses and COD taken come back", async () => {
    const { t, integration, send } = await setUp();
    // Saved and enabled: the clock subscribes the integration's own hook address at CDEK.
    await syncSubscriptions(conn.db);
    expect([...cdek.state.webhooks.values()].map((w) => w.url)).toEqual([
      `${process.env.PUBLIC_URL}api/hooks/cdek/${integration.hookKey}`,
    ]);
    const created = await send(3);
    const run = await runTransfers(conn.db, integration.id, { policy: FAST });
    expect(run).toMatchObject({ submitted: 3, failed: 0, retrying: 0 });
    const submitted = await transfersOf(integration.id);
    expect(submitted.map((r) => r.state)).toEqual(["submitted", "submitted", "submitted"]);
    expect(submitted.every((r) => /^[0-9a-f-]{36}$/.test(r.partnerRef ?? ""))).toBe(true);
    expect(submitted[0]!.partnerDetails).toMatchObject({ sentAs: "одним местом СДЭК, 1500 г" });

    // CDEK's verdict comes as an ORDER_STATUS (CREATED) webhook: stored, read back, settled.
    const sent = await until(
      async () => {
        await processHookDeliveries(conn.db, integration.id);
        return transfersOf(integration.id);
      },
      (rows) => rows.every((r) => r.state === "sent"),
    );
    expect(sent.map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
    expect(sent.every((r) => /^\d{10}$/.test(r.partnerOrderCode ?? ""))).toBe(true);
    expect((sent[0]!.partnerDetails as { barcodes: string[] }).barcodes).toHaveLength(1);
    expect(cdek.counters.ordersCreated).toBe(3);

    const first = sent.find((r) => r.orderId === created[0]!.id)!;
    cdek.setStatus({ cdekNumber: first.partnerOrderCode!, code: "DELIVERED", paymentSum: 900 });
    await cdek.settle();
    const [delivered] = await until(
      async () => {
        await processHookDeliveries(conn.db, integration.id);
        return conn.db.select().from(orders).where(eq(orders.id, created[0]!.id));
      },
      (rows) => rows[0]?.status === "COMPLETE",
    );
    expect(delivered!.status).toBe("COMPLETE");
    const [kept] = await conn.db.select().from(transfers).where(eq(transfers.id, first.id));
    expect(kept!.partnerDetails).toMatchObject({ paymentSum: 900 });

    // The order's waybill through our server, as a PDF from CDEK's print form.
    const printed = await printPartnerForms({ ctx: t.staffCtx, input: { form: "waybill", orderId: created[0]!.id } });
    expect(Buffer.from(printed.body).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("a lost webhook costs a poll, not the order: resolved by asking, statuses of quiet orders polled", async () => {
    const { integration, send } = await setUp({ loseWebhooks: 1 });
    const created = await send(2);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    await wait(60);
    const resolved = await resolveNow(integration.id);
    expect(resolved).toMatchObject({ sent: 2 });
    const first = (await transfersOf(integration.id)).find((r) => r.orderId === created[0]!.id)!;
    cdek.setStatus({ uuid: first.partnerRef!, code: "TAKEN_BY_COURIER" });
    // Nothing asked yet: these orders are not quiet for the configured minutes.
    expect((await pollPartnerStatuses(conn.db, integration.id)).events).toBe(0);
    await conn.db
      .update(transfers)
      .set({ statusCheckedAt: sql`now() - interval '2 hours'`, sentAt: sql`now() - interval '2 hours'` })
      .where(eq(transfers.integrationId, integration.id));
    const polled = await pollPartnerStatuses(conn.db, integration.id);
    expect(polled.applied).toBeGreaterThanOrEqual(1);
    const [order] = await conn.db.select().from(orders).where(eq(orders.id, created[0]!.id));
    expect(order!.status).toBe("DELIVERY");
    // Asked now, so the next poll leaves them alone for another quiet period.
    expect((await pollPartnerStatuses(conn.db, integration.id)).events).toBe(0);
  });

  it("a crash between CDEK's answer and our commit: the retry finds the order by number, CDEK holds it once", async () => {
    const { integration, send } = await setUp();
    await send(4);
    await expect(
      runTransfers(conn.db, integration.id, {
        policy: FAST,
        lockMs: 50,
        afterPartnerAccepted: async () => {
          throw new Error("worker killed");
        },
      }),
    ).rejects.toThrow("worker killed");
    expect(cdek.counters.ordersCreated).toBe(4);
    await wait(80);
    expect(await sweepStuckTransfers(conn.db)).toBe(4);
    await wait(60);
    const retry = await runTransfers(conn.db, integration.id, { policy: FAST });
    expect(retry.submitted + retry.sent).toBe(4);
    expect(cdek.counters.ordersCreated).toBe(4);
    expect((await transfersOf(integration.id)).every((r) => r.partnerRef)).toBe(true);
  });

  it("a token that expires mid-batch is refreshed once, with no failure; the token is shared through PostgreSQL", async () => {
    const { integration, send } = await setUp();
    await send(2);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    const tokensBefore = cdek.counters.tokenRequests;
    expect(tokensBefore).toBe(1);
    const [stored] = await conn.db.select().from(partnerTokens).where(eq(partnerTokens.integrationId, integration.id));
    expect(stored!.sealedToken).toMatch(/^v1:/);
    cdek.expireTokens();
    await send(3);
    const run = await runTransfers(conn.db, integration.id, { policy: FAST });
    expect(run).toMatchObject({ submitted: 3, failed: 0, retrying: 0 });
    expect(cdek.counters.tokenRequests).toBe(tokensBefore + 1);
  });

  it("the seed's rules hold an order before sending, each with its message; CDEK never sees it", async () => {
    const { t, integration, send } = await setUp();
    // Almaty is in Kazakhstan: a RUB client must send from a KZT copy of itself.
    await send(1, { receiver: { person: "Асель", phone: "+7 701 000-00-00", town: "Алматы", address: "пр. Абая, 1" } });
    const nsk = { person: "Пётр", phone: "+7 913 000-00-00", town: "Новосибирск", address: "ул. Ленина, 2" };
    await send(1, { receiver: nsk, codAmount: 60_000, items: [{ name: "ТВ", quantity: 1, retailPrice: 60_000 }] });
    await send(1, {
      receiver: { person: "Оля", phone: "+7 900 111-11-11", town: "Москва", address: "ПВЗ", pvz: "MSK-PST1" },
      packages: [{ mass: 1, length: 10, width: 10, height: 10, quantity: 2 }],
    });
    const run = await runTransfers(conn.db, integration.id, { policy: FAST });
    expect(run).toMatchObject({ failed: 3, submitted: 0 });
    expect((await transfersOf(integration.id)).map((r) => r.lastError)).toEqual([
      "Не передан в СДЭК: Валюта клиента RUB не совпадает с валютой страны назначения KZ (KZT): заведите копию клиента с нужной валютой",
      "Не передан в СДЭК: Наложенный платёж 60000 больше предела СДЭК для города назначения (50000)",
      "Не передан в СДЭК: В постамат СДЭК принимает одно место, в заказе 2",
    ]);
    expect(cdek.counters.ordersCreated).toBe(0);

    // The seed's advice followed: the client's currency is KZT now, and «Повторить» sends it.
    await conn.db.update(clients).set({ currency: "KZT" }).where(eq(clients.id, t.client.id));
    await conn.db
      .update(transfers)
      .set({ state: "pending", attempts: 0, firstAttemptAt: null, nextAttemptAt: sql`now()` })
      .where(and(eq(transfers.integrationId, integration.id), sql`${transfers.lastError} like '%Валюта клиента%'`));
    expect(await runTransfers(conn.db, integration.id, { policy: FAST })).toMatchObject({ submitted: 1 });
  });

  it("CDEK's own refusal (INVALID after 202) fails the order with CDEK's code and words", async () => {
    const { integration, send } = await setUp();
    await send(1, {
      receiver: { person: "Ира", phone: "+7 900 222-22-22", town: "Москва", address: "ПВЗ", pvz: "NO-SUCH-PVZ" },
    });
    await runTransfers(conn.db, integration.id, { policy: FAST });
    await wait(60);
    await resolveNow(integration.id);
    const [row] = await transfersOf(integration.id);
    expect(row!.state).toBe("failed");
    expect(row!.lastError).toMatch(/^СДЭК отклонил заказ: .+ \(delivery_location_is_not_recognized\)$/);
  });

  it("cancel: CDEK deletes an order it has not moved yet; the subscription goes when the integration is switched off", async () => {
    const { t, integration, send } = await setUp();
    const [order] = await send(1);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    await wait(60);
    await resolveNow(integration.id);
    expect(await cancelOrder({ ctx: t.staffCtx, input: { id: order!.id } })).toMatchObject({ outcome: "requested" });
    await runCancels(conn.db, integration.id);
    const [row] = await transfersOf(integration.id);
    expect(row!.cancelState).toBe("done");
    expect([...cdek.state.orders.values()][0]!.statuses.at(-1)!.code).toBe("REMOVED");

    await syncSubscriptions(conn.db);
    expect(cdek.state.webhooks.size).toBe(1);
    await conn.db.update(integrations).set({ enabled: false }).where(eq(integrations.id, integration.id));
    await syncSubscriptions(conn.db);
    expect(cdek.state.webhooks.size).toBe(0);
    const [sync] = await conn.db
      .select()
      .from(integrationSync)
      .where(eq(integrationSync.integrationId, integration.id));
    expect(sync!.partnerState).toMatchObject({
      subscription: { message: "Интеграция выключена: подписка на уведомления снята" },
    });
  });
});
