import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { integrations, orders } from "@/db/schema";
import { createClient } from "@/db/test/factories";
import { pullShopOrders } from "@/server/services/exchange/inbound";
import { linkedShopSuite, TRIGGER } from "@/server/integrators/insales/__tests__/linked-shop";
import { NotFoundError, ValidationError } from "../../errors";
import { setShopAppEnabled } from "../apps";
import { getAutomation, saveAutomation } from "../automation";
import { listImportErrors, retryImport } from "../import-errors";

// «Автоматизация»: an app's settings read with the shop's live statuses, changed by the client or staff, audited, and
// «Не передавать заказы» holding new orders until it is switched off and «Повторить» pressed.
const suite = linkedShopSuite({ maxConnections: 4 });

async function setUp() {
  const linked = await suite.link();
  const settings = async () =>
    (await suite.db.select().from(integrations).where(eq(integrations.id, linked.id)))[0]!.settings;
  return { ...linked, settings };
}

/** A custom status made in the shop's back office (through its REST API, as the shop's staff would). */
async function makeShopStatus(shop: { apiBase: string; password?: string }, title: string) {
  const auth = Buffer.from(`${process.env.INSALES_APP_ID}:${shop.password}`).toString("base64");
  const res = await fetch(`${shop.apiBase}/admin/custom_statuses.json`, {
    method: "POST",
    headers: { authorization: `Basic ${auth}`, "content-type": "application/json" },
    body: JSON.stringify({ custom_status: { title, system_status: "approved" } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { permalink: string }).permalink;
}

describe("«Автоматизация» of a shop app", () => {
  it("shows the editable settings with the shop's own statuses, custom ones included", async () => {
    const s = await setUp();
    const custom = await makeShopStatus(s.shop, "Собран на складе");
    const view = await getAutomation({ ctx: s.t.clientCtx, input: { id: s.id } });
    expect(view.fields.map((f) => f.name)).toEqual(["triggerStatus", "prefix", "statusMap", "paused"]);
    expect(view.fields.find((f) => f.name === "statusMap")).toMatchObject({
      type: "statusMap",
      choices: "shopStatuses",
    });
    expect(view.values).toMatchObject({ triggerStatus: TRIGGER, prefix: "IS-" });
    expect(view.values).not.toHaveProperty("password");
    expect(view.choicesError).toBeNull();
    const values = view.choices.shopStatuses!.map((c) => c.value);
    expect(values).toEqual(expect.arrayContaining(["new", "approved", "delivered", custom]));
    expect(view.audit).toEqual([]);
  });

  it("saves the client's change, keeps the app's password, and records who changed which fields", async () => {
    const s = await setUp();
    const custom = await makeShopStatus(s.shop, "Передан курьеру");
    const res = await saveAutomation({
      ctx: s.t.clientCtx,
      input: { id: s.id, values: { prefix: "", statusMap: { COMPLETE: "delivered", DELIVERY: custom, NEW: "" } } },
    });
    expect(res.changed.sort()).toEqual(["prefix", "statusMap"]);
    const settings = await s.settings();
    expect(settings).not.toHaveProperty("prefix");
    expect(settings.statusMap).toEqual({ COMPLETE: "delivered", DELIVERY: custom });
    expect(settings.shop).toBe(s.shop.host);
    // Saving the same again changes nothing and records nothing.
    const again = await saveAutomation({ ctx: s.t.staffCtx, input: { id: s.id, values: { prefix: "" } } });
    expect(again.changed).toEqual([]);
    const view = await getAutomation({ ctx: s.t.staffCtx, input: { id: s.id } });
    expect(view.audit).toHaveLength(1);
    expect(view.audit[0]).toMatchObject({ action: "changed", actorName: expect.stringContaining("Клиент «") });
    expect(view.audit[0]!.fields.sort()).toEqual(["Префикс заказов", "Статусы магазина для статусов доставки"]);
    // The password stayed: the shop is still read with it (an order at the trigger status comes in, unprefixed).
    const o = suite.standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    expect((await pullShopOrders(suite.db, s.id)).imported).toBe(1);
    const [ours] = await suite.db.select().from(orders).where(eq(orders.clientId, s.t.client.id));
    expect(ours!.number).toBe(String(o.number));
  });

  it("refuses a status the shop does not have, fields it may not change, and another client's app", async () => {
    const s = await setUp();
    await expect(
      saveAutomation({ ctx: s.t.clientCtx, input: { id: s.id, values: { triggerStatus: "no-such-status" } } }),
    ).rejects.toMatchObject({ fieldErrors: { triggerStatus: [expect.stringContaining("no-such-status")] } });
    await expect(
      saveAutomation({ ctx: s.t.clientCtx, input: { id: s.id, values: { statusMap: { COMPLETE: "nope" } } } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      saveAutomation({ ctx: s.t.clientCtx, input: { id: s.id, values: { password: "x", shop: "evil.ru" } } }),
    ).rejects.toMatchObject({ fieldErrors: { password: expect.any(Array), shop: expect.any(Array) } });
    await expect(
      saveAutomation({ ctx: s.t.clientCtx, input: { id: s.id, values: { prefix: "пробел не место" } } }),
    ).rejects.toMatchObject({ fieldErrors: { prefix: expect.any(Array) } });
    const other = await createClient(suite.db, s.t.company.id);
    const otherCtx = {
      db: suite.db,
      actor: { type: "client" as const, companyId: s.t.company.id, clientId: other.id },
    };
    await expect(getAutomation({ ctx: otherCtx, input: { id: s.id } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      saveAutomation({ ctx: otherCtx, input: { id: s.id, values: { prefix: "X-" } } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.settings()).prefix).toBe("IS-");
    expect((await getAutomation({ ctx: s.t.staffCtx, input: { id: s.id } })).audit).toEqual([]);
  });

  it("«Не передавать заказы» holds new orders with the reason; switched off, «Повторить» brings them in", async () => {
    const s = await setUp();
    await saveAutomation({ ctx: s.t.staffCtx, input: { id: s.id, values: { paused: true } } });
    const o = suite.standIn.createOrder({ shop: s.shop.insalesId, custom_status: TRIGGER });
    expect(await pullShopOrders(suite.db, s.id)).toMatchObject({ imported: 0, held: 1 });
    const held = await listImportErrors({ ctx: s.t.clientCtx, input: { id: s.id } });
    expect(held.items).toEqual([
      expect.objectContaining({ number: `IS-${o.number}`, error: expect.stringContaining("Не передавать заказы") }),
    ]);
    // Still paused: «Повторить» holds it again rather than letting it through.
    expect((await retryImport({ ctx: s.t.clientCtx, input: { id: s.id } })).imported).toBe(0);
    await saveAutomation({ ctx: s.t.clientCtx, input: { id: s.id, values: { paused: false } } });
    expect((await retryImport({ ctx: s.t.clientCtx, input: { id: s.id } })).imported).toBe(1);
    const view = await getAutomation({ ctx: s.t.staffCtx, input: { id: s.id } });
    expect(view.audit.map((a) => a.actorName)).toEqual([expect.stringContaining("Клиент"), expect.any(String)]);
  });

  it("«Отключить» and «Включить» are audited too", async () => {
    const s = await setUp();
    await setShopAppEnabled({ ctx: s.t.clientCtx, input: { id: s.id, enabled: false } });
    await setShopAppEnabled({ ctx: s.t.clientCtx, input: { id: s.id, enabled: false } });
    await setShopAppEnabled({ ctx: s.t.staffCtx, input: { id: s.id, enabled: true } });
    const view = await getAutomation({ ctx: s.t.staffCtx, input: { id: s.id } });
    expect(view.audit.map((a) => a.action)).toEqual(["enabled", "disabled"]);
  });
});
