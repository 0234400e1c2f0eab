import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { inboundOrders, integrations, orders } from "@/db/schema";
import { createClient, createTenant } from "@/db/test/factories";
import { pullShopOrders } from "@/server/services/exchange/inbound";
import { linkedShopSuite, TRIGGER } from "@/server/integrators/insales/__tests__/linked-shop";
import { listShopApps } from "../apps";
import { listImportErrors, retryImport } from "../import-errors";

// «Ошибки импорта» end to end: the InSales stand-in holds the shop, our import holds a bad order, the app's page
// lists it and «Повторить» re-reads it through the shop's API.
const suite = linkedShopSuite({ maxConnections: 4 });

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NO_PHONE = { custom_status: TRIGGER, client: { phone: null }, shipping_address: { phone: null } };

/** A tenant whose client linked an installed stand-in shop (trigger status «approved», prefix IS-). */
async function setUp() {
  const linked = await suite.link();
  const { t, shop, id } = linked;
  const db = suite.db;
  const ours = () =>
    db.select({ number: orders.number }).from(orders).where(eq(orders.clientId, t.client.id)).orderBy(orders.id);
  return { t, shop, id, ours, pull: () => pullShopOrders(db, id) };
}

describe("«Ошибки импорта» of a shop app", () => {
  it("lists an order held for no phone with its reason; «Повторить» after the shop fixes it imports it", async () => {
    const s = await setUp();
    const o = suite.standIn.createOrder({ shop: s.shop.insalesId, ...NO_PHONE });
    expect((await s.pull()).held).toBe(1);

    const [appRow] = await listShopApps({ ctx: s.t.staffCtx, input: undefined });
    expect(appRow).toMatchObject({ id: s.id, importErrors: 1 });
    const list = await listImportErrors({ ctx: s.t.staffCtx, input: { id: s.id } });
    expect(list.app).toMatchObject({ id: s.id, title: "InSales", shop: s.shop.host, enabled: true });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ number: `IS-${o.number}`, shopStatus: TRIGGER, orderId: null });
    expect(list.items[0]!.error).toContain("Укажите телефон получателя");
    expect(list.nextCursor).toBeNull();

    // Nothing changed in the shop: the retry reads it again and it is still held, with the same reason.
    const again = await retryImport({ ctx: s.t.staffCtx, input: { id: s.id } });
    expect(again).toMatchObject({ tried: 1, imported: 0, cancelled: 0, stopped: null });
    expect(again.held).toEqual([
      { id: list.items[0]!.id, number: `IS-${o.number}`, error: expect.stringContaining("телефон") },
    ]);
    expect(await s.ours()).toHaveLength(0);

    await wait(5);
    suite.standIn.updateOrder(s.shop.insalesId, o.id, { shipping_address: { phone: "+79161234567" } });
    // The client itself presses «Повторить» on its own app, before any poll ran.
    const done = await retryImport({ ctx: s.t.clientCtx, input: { id: s.id, inboundIds: [list.items[0]!.id] } });
    expect(done).toEqual({ tried: 1, imported: 1, cancelled: 0, held: [], stopped: null });
    expect((await s.ours()).map((r) => r.number)).toEqual([`IS-${o.number}`]);
    expect((await listImportErrors({ ctx: s.t.staffCtx, input: { id: s.id } })).items).toEqual([]);
    expect((await listShopApps({ ctx: s.t.staffCtx, input: undefined }))[0]!.importErrors).toBe(0);
  });

  it("retries only the rows asked for, pages the list by key, and leaves an order the shop cancelled out", async () => {
    const s = await setUp();
    const made = [1, 2, 3].map(() => suite.standIn.createOrder({ shop: s.shop.insalesId, ...NO_PHONE }));
    expect((await s.pull()).held).toBe(3);

    const first = await listImportErrors({ ctx: s.t.staffCtx, input: { id: s.id, limit: 2 } });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1]!.id);
    const second = await listImportErrors({
      ctx: s.t.staffCtx,
      input: { id: s.id, limit: 2, cursor: first.nextCursor },
    });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((r) => r.number))).toEqual(new Set(made.map((o) => `IS-${o.number}`)));

    await wait(5);
    for (const o of made)
      suite.standIn.updateOrder(s.shop.insalesId, o.id, { shipping_address: { phone: "+79161234567" } });
    const oneId = all.find((r) => r.number === `IS-${made[0]!.number}`)!.id;
    expect(await retryImport({ ctx: s.t.staffCtx, input: { id: s.id, inboundIds: [oneId] } })).toMatchObject({
      tried: 1,
      imported: 1,
    });
    expect((await s.ours()).map((r) => r.number)).toEqual([`IS-${made[0]!.number}`]);

    // The shop declines one of the two left: the retry does not import it and it leaves the list.
    suite.standIn.setOrderStatus(s.shop.insalesId, made[1]!.id, "declined");
    const rest = await retryImport({ ctx: s.t.staffCtx, input: { id: s.id } });
    expect(rest).toEqual({ tried: 2, imported: 1, cancelled: 1, held: [], stopped: null });
    expect((await listImportErrors({ ctx: s.t.staffCtx, input: { id: s.id } })).items).toEqual([]);
    const rows = await suite.db.select().from(inboundOrders).where(eq(inboundOrders.integrationId, s.id));
    expect(rows.map((r) => r.state).sort()).toEqual(["cancelled", "imported", "imported"]);
  });

  it("another client's or another company's app is not found; a switched-off app refuses the retry", async () => {
    const s = await setUp();
    suite.standIn.createOrder({ shop: s.shop.insalesId, ...NO_PHONE });
    await s.pull();
    const db = suite.db;
    const neighbour = await createClient(db, s.t.company.id, { name: "Соседний магазин" });
    const neighbourCtx = { db, actor: { type: "client" as const, companyId: s.t.company.id, clientId: neighbour.id } };
    const stranger = await createTenant(db);
    for (const ctx of [neighbourCtx, stranger.staffCtx, stranger.clientCtx]) {
      await expect(listImportErrors({ ctx, input: { id: s.id } })).rejects.toThrow("Приложение: не найдено");
      await expect(retryImport({ ctx, input: { id: s.id } })).rejects.toThrow("Приложение: не найдено");
    }
    expect((await listShopApps({ ctx: neighbourCtx, input: undefined })).map((a) => a.id)).toEqual([]);
    // The client's own account sees its app's held order.
    expect((await listImportErrors({ ctx: s.t.clientCtx, input: { id: s.id } })).items).toHaveLength(1);

    await db.update(integrations).set({ enabled: false }).where(eq(integrations.id, s.id));
    await expect(retryImport({ ctx: s.t.staffCtx, input: { id: s.id } })).rejects.toThrow("Приложение отключено");
    await expect(retryImport({ ctx: s.t.staffCtx, input: { id: s.id, inboundIds: [] } })).rejects.toThrow(
      "Выберите хотя бы один заказ",
    );
  });
});
