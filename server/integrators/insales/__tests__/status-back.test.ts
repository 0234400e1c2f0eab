import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { inboundOrders, integrationSync, orders } from "@/db/schema";
import { pullShopOrders } from "@/server/services/exchange/inbound";
import { integrationsWithDueStatusBack, pushShopStatuses } from "@/server/services/exchange/shop-status";
import { applyStatusEvents } from "@/server/services/orders/lifecycle";
import { linkedShopSuite, TRIGGER } from "./linked-shop";
import syncShopStatus from "@/server/worker/jobs/sync-shop-status";

// Our statuses back to the shop, end to end: imported stand-in orders, our lifecycle, the outbox and the adapter.
const suite = linkedShopSuite({ maxConnections: 8 });

/** A linked, installed stand-in shop with the given mapping of our statuses, and helpers around it. */
async function setUp(statusMap: Record<string, string>) {
  const linked = await suite.link({ statusMap });
  const { t, shop, id } = linked;
  const db = suite.db;
  /** A shop order in the trigger status, imported here; returns the shop's order and ours. */
  const imported = async () => {
    const o = suite.standIn.createOrder({ shop: shop.insalesId, custom_status: TRIGGER });
    await pullShopOrders(db, id);
    const [row] = await db
      .select({ orderId: inboundOrders.orderId })
      .from(inboundOrders)
      .where(and(eq(inboundOrders.integrationId, id), eq(inboundOrders.partnerOrderId, String(o.id))));
    const [ours] = await db.select().from(orders).where(eq(orders.id, row!.orderId!));
    return { o, ours: ours! };
  };
  const setStatus = (orderId: number, status: string) =>
    applyStatusEvents(db, t.company.id, [{ orderId, status, eventTime: new Date(), source: "cabinet" }]);
  const control = async (what: "statuses" | "fields") =>
    (await (await fetch(`${suite.standIn.url}/_control/${what}?shop=${shop.insalesId}`)).json()) as {
      permalink?: string;
      handle?: string;
      id?: number;
    }[];
  const row = async (orderId: number) =>
    (await db.select().from(inboundOrders).where(eq(inboundOrders.orderId, orderId)))[0]!;
  return { t, shop, id, imported, setStatus, control, row, push: (now?: Date) => pushShopStatuses(db, id, now) };
}

const trackOf = (o: { fields_values: { handle: string; value: string | null }[] }) =>
  o.fields_values.find((v) => v.handle === "courier_track")?.value;

describe("InSales statuses back to the shop", () => {
  it("sets the mapped status (a custom one made once) and the track field; a second run sends nothing", async () => {
    const s = await setUp({ PICKUP: "Передан курьеру", COMPLETE: "delivered" });
    const a = await s.imported();
    const b = await s.imported();
    // Imported as NEW, which the client left unmapped: nothing is written.
    expect(await s.push()).toEqual({ pushed: 0, unmapped: 2, failed: 0 });
    expect(suite.standIn.writes(s.shop.insalesId)).toHaveLength(0);

    await s.setStatus(a.ours.id, "PICKUP");
    await s.setStatus(b.ours.id, "PICKUP");
    expect(await integrationsWithDueStatusBack(suite.db)).toContain(s.id);
    expect(await s.push()).toEqual({ pushed: 2, unmapped: 0, failed: 0 });
    for (const x of [a, b]) {
      const o = suite.standIn.order(s.shop.insalesId, x.o.id);
      expect(o.custom_status).toMatchObject({ permalink: "peredan-kurieru", title: "Передан курьеру" });
      expect(trackOf(o)).toBe(x.ours.barcode ?? x.ours.number);
    }
    expect((await s.control("statuses")).filter((c) => c.permalink === "peredan-kurieru")).toHaveLength(1);
    expect((await s.control("fields")).filter((f) => f.handle === "courier_track")).toHaveLength(1);
    expect(suite.standIn.counters.requests["POST /admin/custom_statuses.json"]).toBe(1);
    expect(suite.standIn.counters.requests["POST /admin/fields.json"]).toBe(1);
    const [sync] = await suite.db.select().from(integrationSync).where(eq(integrationSync.integrationId, s.id));
    expect(sync!.partnerState).toMatchObject({
      trackFieldId: expect.any(Number),
      shopStatuses: { "Передан курьеру": "peredan-kurieru" },
    });
    expect(await s.row(a.ours.id)).toMatchObject({ pushedStatus: "PICKUP", pushError: null, pushAttempts: 0 });

    // Idempotent: nothing changed here, nothing goes to the shop; our own write is not re-imported as a shop edit.
    const writes = suite.standIn.writes(s.shop.insalesId).length;
    expect(await s.push()).toEqual({ pushed: 0, unmapped: 0, failed: 0 });
    expect(suite.standIn.writes(s.shop.insalesId)).toHaveLength(writes);
    expect(await pullShopOrders(suite.db, s.id)).toMatchObject({ updated: 0, held: 0 });
    expect((await s.row(a.ours.id)).error).toBeNull();

    // A system status goes as fulfillment_status; the remembered field and status need no more lookups.
    const before = { ...suite.standIn.counters.requests };
    await s.setStatus(a.ours.id, "COMPLETE");
    expect(await s.push()).toMatchObject({ pushed: 1 });
    expect(suite.standIn.order(s.shop.insalesId, a.o.id)).toMatchObject({ fulfillment_status: "delivered" });
    expect(suite.standIn.writes(s.shop.insalesId).at(-1)!.body).toMatchObject({ fulfillment_status: "delivered" });
    expect(suite.standIn.counters.requests["GET /admin/fields.json"]).toBe(before["GET /admin/fields.json"]);
    expect(suite.standIn.counters.requests["GET /admin/custom_statuses.json"]).toBe(
      before["GET /admin/custom_statuses.json"],
    );
  });

  it("an unmapped status sends nothing and is not tried again", async () => {
    const s = await setUp({ COMPLETE: "delivered" });
    const a = await s.imported();
    await s.setStatus(a.ours.id, "PICKUP");
    expect(await s.push()).toEqual({ pushed: 0, unmapped: 1, failed: 0 });
    expect(await s.push()).toEqual({ pushed: 0, unmapped: 0, failed: 0 });
    expect(suite.standIn.writes(s.shop.insalesId)).toHaveLength(0);
    expect(suite.standIn.order(s.shop.insalesId, a.o.id).custom_status.permalink).toBe(TRIGGER);
    expect(await s.row(a.ours.id)).toMatchObject({ pushedStatus: "PICKUP", pushedAt: null });
    expect(await integrationsWithDueStatusBack(suite.db)).not.toContain(s.id);
  });

  it("the shop's rate limit (503): the order waits with the reason, is retried later and nothing is lost", async () => {
    const s = await setUp({ PICKUP: "dispatched" });
    const a = await s.imported();
    await s.setStatus(a.ours.id, "PICKUP");
    // One request per two minutes, already used by the import: every call is refused, past the client's own retries.
    suite.standIn.configure({ rateLimit: { requests: 1, windowMs: 120_000 } });
    expect(await s.push()).toEqual({ pushed: 0, unmapped: 0, failed: 1 });
    // The shop's Retry-After names minutes: not sat out inside the request, so the shop is asked once, not hammered.
    expect(suite.standIn.counters.rateLimited).toBe(1);
    expect(suite.standIn.writes(s.shop.insalesId)).toHaveLength(0);
    const held = await s.row(a.ours.id);
    expect(held).toMatchObject({ pushedStatus: null, pushAttempts: 1 });
    expect(held.pushError).toContain("ограничил частоту запросов");
    expect(held.pushNextAt!.getTime()).toBeGreaterThan(Date.now());
    const [sync] = await suite.db.select().from(integrationSync).where(eq(integrationSync.integrationId, s.id));
    expect(sync!.lastError).toContain("ограничил частоту запросов");

    // Backing off: not tried before its time, then written once the shop has requests again.
    suite.standIn.configure({ rateLimit: { requests: 500, windowMs: 300_000 } });
    expect(await s.push()).toEqual({ pushed: 0, unmapped: 0, failed: 0 });
    const later = new Date(held.pushNextAt!.getTime() + 1000);
    expect(await pushShopStatuses(suite.db, s.id, later)).toEqual({ pushed: 1, unmapped: 0, failed: 0 });
    const o = suite.standIn.order(s.shop.insalesId, a.o.id);
    expect(o.fulfillment_status).toBe("dispatched");
    expect(trackOf(o)).toBe(a.ours.barcode ?? a.ours.number);
    expect(await s.row(a.ours.id)).toMatchObject({ pushedStatus: "PICKUP", pushError: null, pushAttempts: 0 });
  }, 60_000);

  it("the worker's sync-shop-status job writes one integration's statuses", async () => {
    const s = await setUp({ PICKUP: "dispatched" });
    const a = await s.imported();
    await s.setStatus(a.ours.id, "PICKUP");
    const lines: string[] = [];
    const ctx = { db: suite.db, log: (m: string) => lines.push(m), enqueue: async () => {}, pollSeconds: 60 };
    await syncShopStatus.handler({ integrationId: s.id }, ctx);
    expect(suite.standIn.order(s.shop.insalesId, a.o.id).fulfillment_status).toBe("dispatched");
    expect(lines.some((l) => l.includes(`интеграция ${s.id}`) && l.includes("передано 1"))).toBe(true);
  });
});
