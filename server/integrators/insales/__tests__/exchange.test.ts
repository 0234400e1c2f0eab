import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { PartnerError } from "@/server/integrators/errors";
import { apiSettings, inboundOrders, integrations, orders } from "@/db/schema";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { startHookServer } from "@/db/test/hook-server";
import { processHookDeliveries } from "@/server/services/exchange/hooks";
import { pullShopOrders } from "@/server/services/exchange/inbound";
import { syncSubscriptions } from "@/server/services/exchange/subscriptions";
import { applyStatusEvents } from "@/server/services/orders/lifecycle";
import type { InSalesStandIn, startInSalesStandIn } from "@/server/stand-ins/insales/server";
import { linkStandInShop, startAppStub, TRIGGER } from "./linked-shop";
import syncInbound from "@/server/worker/jobs/sync-inbound";

// InSales orders in, end to end: the stand-in shop, the adapter, the engine's import and a real database.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let standIn: InSalesStandIn;
let app: Awaited<ReturnType<typeof startAppStub>>;
let hookServer: Awaited<ReturnType<typeof startHookServer>>;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 8 });
  process.env.DATABASE_URL = iso.url;
  hookServer = await startHookServer();
  // Hook addresses are built from the deployment's public address: here, the server above.
  process.env.PUBLIC_URL = hookServer.base;
  app = await startAppStub();
});

afterEach(async () => {
  await standIn?.close();
});

afterAll(async () => {
  await app?.close();
  await hookServer?.close();
  delete process.env.PUBLIC_URL;
  await conn?.sql.end();
  await iso?.drop();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tenant whose client linked an installed stand-in shop (trigger status «approved», prefix IS-). */
async function setUp(tuning: Parameters<typeof startInSalesStandIn>[0] = {}) {
  const linked = await linkStandInShop(conn.db, app.appUrls, { tuning });
  standIn = linked.standIn;
  const { t, shop, id } = linked;
  const db = conn.db;
  const ours = () =>
    db
      .select({ id: orders.id, number: orders.number, status: orders.status, address: orders.receiverAddress })
      .from(orders)
      .where(eq(orders.clientId, t.client.id))
      .orderBy(orders.id);
  const imports = () => db.select().from(inboundOrders).where(eq(inboundOrders.integrationId, id));
  return { t, shop, id, ours, imports, pull: () => pullShopOrders(db, id) };
}

describe("InSales orders in", () => {
  it("imports an order once it reaches the trigger status, once, as prefix + number", async () => {
    const s = await setUp();
    const o = standIn.createOrder({ shop: s.shop.insalesId });
    expect((await s.pull()).imported).toBe(0);
    expect(await s.ours()).toHaveLength(0);
    await wait(5);
    standIn.setOrderStatus(s.shop.insalesId, o.id, TRIGGER);
    expect((await s.pull()).imported).toBe(1);
    await s.pull();
    const ours = await s.ours();
    expect(ours.map((r) => r.number)).toEqual([`IS-${o.number}`]);
    const [row] = await s.imports();
    expect(row).toMatchObject({ partnerOrderId: String(o.id), orderId: ours[0]!.id, state: "imported" });
  });

  it("holds a bad order with its reason and imports it once the shop fixes it", async () => {
    const s = await setUp();
    const o = standIn.createOrder({
      shop: s.shop.insalesId,
      custom_status: TRIGGER,
      client: { phone: null },
      shipping_address: { phone: null },
    });
    const r = await s.pull();
    expect(r).toMatchObject({ imported: 0, held: 1 });
    expect(await s.ours()).toHaveLength(0);
    const [held] = await s.imports();
    expect(held).toMatchObject({ state: "error", orderId: null, partnerOrderId: String(o.id) });
    expect(held!.error).toContain("Укажите телефон получателя");
    await wait(5);
    standIn.updateOrder(s.shop.insalesId, o.id, { shipping_address: { phone: "+79161234567" } });
    expect((await s.pull()).imported).toBe(1);
    expect(await s.ours()).toHaveLength(1);
    expect((await s.imports())[0]).toMatchObject({ state: "imported", error: null });
  });

  it("applies a shop's edit before the courier starts work, and not after", async () => {
    const s = await setUp();
    const o = standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    await s.pull();
    await wait(5);
    standIn.updateOrder(s.shop.insalesId, o.id, { shipping_address: { address: "Арбат, 5" } });
    expect((await s.pull()).updated).toBe(1);
    const [order] = await s.ours();
    expect(order!.address).toBe("Арбат, 5");

    // The courier company took the order: the shop's next edit is refused by the lifecycle and kept with the reason.
    await applyStatusEvents(conn.db, s.t.company.id, [
      { orderId: order!.id, status: "PICKUP", eventTime: new Date(), source: "cabinet" },
    ]);
    await wait(5);
    standIn.updateOrder(s.shop.insalesId, o.id, { shipping_address: { address: "Покровка, 7" } });
    expect((await s.pull()).held).toBe(1);
    expect((await s.ours())[0]!.address).toBe("Арбат, 5");
    expect((await s.imports())[0]!.error).toContain("в работе");
  });

  it("cancels our order when the shop declines it", async () => {
    const s = await setUp();
    const o = standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    await s.pull();
    await wait(5);
    standIn.setOrderStatus(s.shop.insalesId, o.id, "declined");
    expect((await s.pull()).cancelled).toBe(1);
    expect((await s.ours())[0]!.status).toBe("CANCELED");
    expect((await s.imports())[0]!.state).toBe("cancelled");
  });

  it("imports 200 orders under a small rate limit, none twice, even with two pollers at once", async () => {
    // Two requests per 10 s: the third of any pull meets the limit however slow this machine is today.
    const s = await setUp({ rateLimit: { requests: 2, windowMs: 10_000 } });
    for (let i = 0; i < 200; i++) standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    // As the clock runs the poller again: a pull stopped by the limit (the shop's Retry-After names seconds) keeps the
    // pages it committed and leaves the cursor there; a later one carries on. Counted in our table, not per pull.
    const pull = () => s.pull().catch((e: unknown) => (e instanceof PartnerError ? null : Promise.reject(e)));
    let imported = 0;
    for (let round = 0; round < 60 && imported < 200; round++) {
      await Promise.all([pull(), pull()]);
      const now = (await s.ours()).length;
      if (now === imported) await wait(1000);
      imported = now;
    }
    expect(imported).toBe(200);
    const ours = await s.ours();
    expect(ours).toHaveLength(200);
    expect(new Set(ours.map((r) => r.number)).size).toBe(200);
    expect((await s.imports()).filter((r) => r.state === "imported")).toHaveLength(200);
    expect(standIn.counters.rateLimited).toBeGreaterThan(0);
  }, 60_000);

  it("registers its webhooks once and imports a webhooked order once, however often it is delivered", async () => {
    const s = await setUp({ duplicateWebhooks: 1 });
    await syncSubscriptions(conn.db);
    await syncSubscriptions(conn.db, Date.now() + 2 * 60 * 60_000);
    const hooks = standIn.webhooks(s.shop.insalesId);
    expect(hooks.map((w) => w.topic).sort()).toEqual(["orders/create", "orders/update"]);
    expect(hooks.every((w) => w.address.includes("/api/hooks/insales/") && w.format_type === "json")).toBe(true);

    const o = standIn.createOrder({ shop: s.shop.insalesId });
    await wait(5);
    standIn.setOrderStatus(s.shop.insalesId, o.id, TRIGGER);
    await standIn.flushWebhooks();
    const sent = standIn.deliveries().filter((d) => d.orderId === o.id);
    expect(sent.filter((d) => d.duplicate).length).toBeGreaterThan(0);
    expect(sent.every((d) => d.status === 200)).toBe(true);
    await processHookDeliveries(conn.db, s.id);
    await processHookDeliveries(conn.db, s.id);
    const ours = await s.ours();
    expect(ours.map((r) => r.number)).toEqual([`IS-${o.number}`]);
    expect(await s.imports()).toHaveLength(1);
  });

  it("a burst of webhooks reads the shop page-wise, not order by order, and imports each order once", async () => {
    const s = await setUp();
    await syncSubscriptions(conn.db);
    const made = Array.from({ length: 30 }, () => standIn.createOrder({ shop: s.shop.insalesId }));
    await wait(5);
    for (const o of made) standIn.setOrderStatus(s.shop.insalesId, o.id, TRIGGER);
    await standIn.flushWebhooks();
    standIn.resetCounters();
    await processHookDeliveries(conn.db, s.id);
    const ours = await s.ours();
    expect(ours.map((r) => r.number).sort()).toEqual(made.map((o) => `IS-${o.number}`).sort());
    const { requests } = standIn.counters;
    expect(requests["GET /admin/orders/{id}.json"] ?? 0).toBe(0);
    expect(requests["GET /admin/orders.json"]).toBeLessThanOrEqual(3);
    await processHookDeliveries(conn.db, s.id);
    expect(await s.imports()).toHaveLength(30);
  });

  it("imports an order whose webhook was lost through the poller", async () => {
    const s = await setUp({ loseWebhooks: 1 });
    await syncSubscriptions(conn.db);
    const o = standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    await standIn.flushWebhooks();
    expect(standIn.counters.webhooksLost).toBeGreaterThan(0);
    await processHookDeliveries(conn.db, s.id);
    expect(await s.ours()).toHaveLength(0);
    expect((await s.pull()).imported).toBe(1);
    expect((await s.ours()).map((r) => r.number)).toEqual([`IS-${o.number}`]);
  });

  it("a shop that removed the app: the pull fails with InSales' reason, the integration shows it, nothing moves", async () => {
    const s = await setUp();
    standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    await standIn.uninstall(s.shop.insalesId);
    await expect(s.pull()).rejects.toThrow("InSales не принял пароль приложения");
    const [row] = await conn.db
      .select({ health: integrations.healthStatus, message: integrations.healthMessage })
      .from(integrations)
      .where(eq(integrations.id, s.id));
    expect(row).toMatchObject({ health: "error", message: expect.stringContaining("переустановите") });
    expect(await s.ours()).toHaveLength(0);
  });

  it("holds an order to a town the company's reference does not know, with the validation's reason", async () => {
    const s = await setUp();
    await conn.db.insert(apiSettings).values({ companyId: s.t.company.id, strictTowns: true });
    const o = standIn.createOrder({
      shop: s.shop.insalesId,
      custom_status: TRIGGER,
      shipping_address: { city: "Нетгородск-на-Луне" },
    });
    expect((await s.pull()).held).toBe(1);
    expect(await s.ours()).toHaveLength(0);
    const [held] = await s.imports();
    expect(held).toMatchObject({ state: "error", partnerOrderId: String(o.id), number: `IS-${o.number}` });
    expect(held!.error).toContain("«Нетгородск-на-Луне» не найден");
  });

  it("the worker's sync-inbound job reads every linked shop", async () => {
    const s = await setUp();
    const o = standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    const lines: string[] = [];
    const ctx = { db: conn.db, log: (m: string) => lines.push(m), enqueue: async () => {}, pollSeconds: 60 };
    await syncInbound.handler(undefined, ctx);
    expect((await s.ours()).map((r) => r.number)).toEqual([`IS-${o.number}`]);
    expect(lines.some((l) => l.includes(`интеграция ${s.id}`) && l.includes("создано 1"))).toBe(true);
  });
});
