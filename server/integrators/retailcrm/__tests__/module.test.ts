import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { inboundOrders, integrations, orderPackages, orders, shopAppInstalls } from "@/db/schema";
import { createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { pushShopStatuses } from "@/server/services/exchange/shop-status";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { saveAutomation } from "@/server/services/shop-apps/automation";
import { listImportErrors, retryImport } from "@/server/services/shop-apps/import-errors";
import { connectRetailCrm, moduleCodeOf } from "@/server/services/shop-apps/retailcrm";
import { startRetailCrmStandIn, type RetailCrmStandIn } from "@/server/stand-ins/retailcrm/server";
import { startModuleServer } from "./module-server";

// The RetailCRM module end to end: the CRM stand-in (its API and its callback driver), our routes behind a plain HTTP
// server, the services and a real database.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let standIn: RetailCrmStandIn;
let ours: Awaited<ReturnType<typeof startModuleServer>>;
const ENV = ["RETAILCRM_MODULE_CODE", "RETAILCRM_SECRET", "PUBLIC_URL", "INTEGRATION_ALLOWED_HOSTS", "DATABASE_URL"];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
const IP = "203.0.113.7";

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 6 });
  process.env.DATABASE_URL = iso.url;
  ours = await startModuleServer();
  standIn = await startRetailCrmStandIn({ integrationCode: "kurier-hub" });
  process.env.RETAILCRM_MODULE_CODE = "kurier-hub";
  process.env.RETAILCRM_SECRET = standIn.tuning.simpleConnectionSecret;
  process.env.PUBLIC_URL = ours.base;
  process.env.INTEGRATION_ALLOWED_HOSTS = "127.0.0.1";
});

afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await standIn?.close();
  await ours?.close();
  await conn?.sql.end();
  await iso?.drop();
});

/** A fresh CRM account of the stand-in and a fresh courier company whose client connects it from the connect page. */
async function connected() {
  const t = await createTenant(conn.db);
  const account = standIn.createAccount();
  const apiKey = account.keys[0]!.key;
  const r = await connectRetailCrm(
    conn.db,
    { crmUrl: account.url, apiKey, extra: t.company.extraCode, login: t.client.login, password: "shop" },
    IP,
  );
  return { t, account, apiKey, ...r };
}

const MOSCOW = { city: "Москва", street: "Тверская", building: "7", flat: "5", index: "125009" };

async function driver(action: string, input: Record<string, unknown>) {
  return (await standIn.control(`callbacks/${action}`, input)) as {
    status: number;
    json?: { success: boolean; result?: Record<string, unknown>; errorMsg?: string };
    bodyEncoding?: string;
    contentType?: string;
    order?: { id: number };
  };
}

describe("RetailCRM module: connecting", () => {
  it("refuses a wrong password and a key without rights; connects with the right ones and registers the module", async () => {
    const t = await createTenant(conn.db);
    const account = standIn.createAccount();
    const weak = (await standIn.control("keys", { account: account.slug, scopes: ["order_read"] })) as { key: string };
    const base = { crmUrl: account.url, extra: t.company.extraCode, login: t.client.login };
    await expect(
      connectRetailCrm(conn.db, { ...base, apiKey: account.keys[0]!.key, password: "wrong" }, IP),
    ).rejects.toThrow("Неверный код курьерской службы, логин или пароль");
    await expect(connectRetailCrm(conn.db, { ...base, apiKey: weak.key, password: "shop" }, IP)).rejects.toMatchObject({
      fieldErrors: { apiKey: [expect.stringContaining("delivery_write")] },
    });
    await expect(
      connectRetailCrm(conn.db, { ...base, apiKey: "no-such-key", password: "shop" }, IP),
    ).rejects.toMatchObject({ fieldErrors: { apiKey: [expect.stringContaining("API-ключ")] } });
    expect(await conn.db.select().from(integrations).where(eq(integrations.clientId, t.client.id))).toEqual([]);

    const r = await connectRetailCrm(conn.db, { ...base, apiKey: account.keys[0]!.key, password: "shop" }, IP);
    expect(r.redirectUrl).toBe(`${account.url}/admin/integration/list`);
    const [install] = await conn.db
      .select()
      .from(shopAppInstalls)
      .where(eq(shopAppInstalls.integrationId, r.integrationId));
    const code = moduleCodeOf("kurier-hub", install!.id);
    const mod = account.modules.get(code)!;
    expect(mod.active).toBe(true);
    const payload = mod.payload as { baseUrl: string; clientId: string; accountUrl: string };
    expect(payload.baseUrl).toBe(`${ours.base}/api/apps/retailcrm/callback`);
    // Only the clientId's hash is kept here.
    expect(JSON.stringify(install)).not.toContain(payload.clientId);
    const [integration] = await conn.db.select().from(integrations).where(eq(integrations.id, r.integrationId));
    expect(integration).toMatchObject({ ownerKind: "client", clientId: t.client.id, integrator: "retailcrm" });
    expect(JSON.stringify(integration)).not.toContain(account.keys[0]!.key);
  });

  it("simple connection: a wrong token is 401; the right one registers and answers 201 with accountUrl", async () => {
    const account = standIn.createAccount();
    const bad = (await standIn.control("simple-connect", {
      account: account.slug,
      configUrl: `${ours.base}/api/apps/retailcrm/config`,
      token: "0".repeat(64),
    })) as { ok: boolean; register: { status: number } };
    expect(bad.ok).toBe(false);
    expect(bad.register.status).toBe(401);
    expect(account.modules.size).toBe(0);
    const good = (await standIn.control("simple-connect", {
      account: account.slug,
      configUrl: `${ours.base}/api/apps/retailcrm/config`,
    })) as { ok: boolean; accountUrl: string };
    expect(good.ok).toBe(true);
    expect(good.accountUrl).toBe(`${ours.base}/api/apps/retailcrm/account`);
    // Not linked to a client yet: the module's settings open our link page; callbacks explain themselves.
    const opened = (await standIn.control("open-settings", { account: account.slug })) as {
      status: number;
      location: string;
    };
    expect(opened.status).toBe(303);
    expect(opened.location).toContain("/shop-apps/retailcrm/link?ticket=");
    const calc = await driver("calculate", { account: account.slug, address: MOSCOW });
    expect(calc.json).toMatchObject({ success: false, errorMsg: expect.stringContaining("не привязан") });
  });
});

describe("RetailCRM module: orders in", () => {
  it("save creates the order once with COD from the chosen payment types and places from packages; a repeat edits", async () => {
    const c = await connected();
    await saveAutomation({
      ctx: c.t.clientCtx,
      input: { id: c.integrationId, values: { codPaymentTypes: ["cash"], useArticles: true } },
    });
    const first = await driver("save", {
      account: c.account.slug,
      address: MOSCOW,
      items: [
        { article: "LAMP-1", name: "Лампа", quantity: 1, price: 1990, weight: 900 },
        { article: "BULB-2", name: "Лампочка", quantity: 2, price: 150, weight: 50 },
      ],
      packages: [
        { weight: 1000, length: 300, width: 200, height: 100, items: [0] },
        { weight: 150, length: 100, width: 100, height: 100, items: [1] },
      ],
      payments: [
        { type: "cash", amount: 1500, paid: false },
        { type: "bank-card", amount: 1040, paid: true },
      ],
      cost: 250,
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ success: true, result: { deliveryId: expect.any(String) } });
    const deliveryId = Number(first.json!.result!.deliveryId);
    const [order] = await conn.db.select().from(orders).where(eq(orders.id, deliveryId));
    expect(order).toMatchObject({ clientId: c.t.client.id, codAmount: "1500.00", receiverTown: "Москва" });
    const places = await conn.db.select().from(orderPackages).where(eq(orderPackages.orderId, deliveryId));
    expect(places.map((p) => Number(p.mass)).sort()).toEqual([0.15, 1]);

    // The same CRM order saved again: an edit of the same order, never a second one.
    const again = await driver("save", { account: c.account.slug, order: first.order!.id, address: MOSCOW, cost: 300 });
    expect(again.json).toMatchObject({ success: true, result: { deliveryId: String(deliveryId) } });
    const mine = await conn.db.select().from(inboundOrders).where(eq(inboundOrders.integrationId, c.integrationId));
    expect(mine).toHaveLength(1);
    expect((await conn.db.select().from(orders).where(eq(orders.clientId, c.t.client.id))).length).toBe(1);
  });

  it("a paid order goes without COD; an unknown clientId is refused and writes nothing", async () => {
    const c = await connected();
    await saveAutomation({ ctx: c.t.clientCtx, input: { id: c.integrationId, values: { codPaymentTypes: ["cash"] } } });
    const paid = await driver("save", {
      account: c.account.slug,
      address: MOSCOW,
      payments: [{ type: "cash", amount: 2240, paid: true }],
    });
    const [order] = await conn.db
      .select()
      .from(orders)
      .where(eq(orders.id, Number(paid.json!.result!.deliveryId)));
    expect(order!.codAmount).toBe("0.00");

    const before = (await conn.db.select().from(orders)).length;
    const forged = await driver("save", { account: c.account.slug, address: MOSCOW, clientId: "forged-client-id-000" });
    expect(forged.status).toBe(403);
    expect(forged.json).toMatchObject({ success: false });
    expect((await conn.db.select().from(orders)).length).toBe(before);
  });

  it("a save after the courier started work is refused with the reason; get, print and delete answer for ours only", async () => {
    const c = await connected();
    const saved = await driver("save", { account: c.account.slug, address: MOSCOW });
    const deliveryId = String(saved.json!.result!.deliveryId);
    const got = await driver("get", { account: c.account.slug, deliveryId });
    expect(got.json).toMatchObject({ success: true, result: { trackNumber: expect.any(String) } });
    const printed = await driver("print", { account: c.account.slug, deliveryIds: [deliveryId], type: "labels" });
    expect(printed.status).toBe(200);
    expect(printed.contentType).toContain("application/pdf");
    expect((await driver("get", { account: c.account.slug, deliveryId: "999999999" })).status).toBe(404);

    await setOrderStatus({ ctx: c.t.staffCtx, input: { id: Number(deliveryId), status: "ACCEPTED" } });
    const late = await driver("save", { account: c.account.slug, order: saved.order!.id, address: MOSCOW, cost: 1 });
    expect(late.json).toMatchObject({ success: false, errorMsg: expect.stringContaining("Изменения не приняты") });
    const removed = await driver("delete", { account: c.account.slug, deliveryId });
    expect(removed.json).toMatchObject({ success: false });
  });

  it("a save our checks refuse is answered with the reason and listed under «Ошибки импорта» (resent from the CRM)", async () => {
    const c = await connected();
    const bad = await driver("save", {
      account: c.account.slug,
      address: MOSCOW,
      save: { customer: { firstName: "Анна", lastName: "Смирнова", phones: [] } },
    });
    expect(bad.json).toMatchObject({ success: false, errorMsg: expect.any(String) });
    const held = await listImportErrors({ ctx: c.t.clientCtx, input: { id: c.integrationId } });
    expect(held.app.canRetry).toBe(false);
    expect(held.items).toEqual([expect.objectContaining({ error: bad.json!.errorMsg })]);
    await expect(retryImport({ ctx: c.t.clientCtx, input: { id: c.integrationId } })).rejects.toThrow(
      "сохраните его ещё раз",
    );
    // Fixed in the CRM and saved again: it comes in and leaves the list.
    const fixed = await driver("save", { account: c.account.slug, order: bad.order!.id, address: MOSCOW });
    expect(fixed.json).toMatchObject({ success: true });
    expect((await listImportErrors({ ctx: c.t.clientCtx, input: { id: c.integrationId } })).items).toEqual([]);
  });

  it("calculate prices with the company's own tariffs, or says tariffs are not set up", async () => {
    const c = await connected();
    const calc = await driver("calculate", { account: c.account.slug, address: MOSCOW });
    expect(calc.status).toBe(200);
    // A fresh test company has no tariff table: the CRM user reads why.
    expect(calc.json).toMatchObject({ success: false, errorMsg: expect.stringContaining("Тарифы") });
  });
});

describe("RetailCRM module: statuses back", () => {
  it("our status changes go to the CRM's tracking in one call, mapped to the module's statuses", async () => {
    const c = await connected();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await driver("save", { account: c.account.slug, address: MOSCOW });
      ids.push(Number(s.json!.result!.deliveryId));
    }
    for (const id of ids) await setOrderStatus({ ctx: c.t.staffCtx, input: { id, status: "DELIVERY" } });
    const before = standIn.tracking.length;
    const figures = await pushShopStatuses(conn.db, c.integrationId);
    expect(figures).toMatchObject({ pushed: 3, failed: 0 });
    const pushes = standIn.tracking.slice(before);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ accepted: true });
    const crmOrders = c.account.orders;
    expect(crmOrders.every((o) => o.delivery.data.status === "courier")).toBe(true);
    // Nothing new: nothing sent.
    expect((await pushShopStatuses(conn.db, c.integrationId)).pushed).toBe(0);
  });

  it("the CRM failing: the statuses wait with the reason and go on the next run; switched off in the CRM, none go", async () => {
    const c = await connected();
    const s = await driver("save", { account: c.account.slug, address: MOSCOW });
    const id = Number(s.json!.result!.deliveryId);
    await setOrderStatus({ ctx: c.t.staffCtx, input: { id, status: "DELIVERY" } });
    await standIn.control("failures/tracking", { account: c.account.slug, count: 1, status: 500 });
    expect((await pushShopStatuses(conn.db, c.integrationId)).failed).toBe(1);
    const [row] = await conn.db.select().from(inboundOrders).where(eq(inboundOrders.orderId, id));
    expect(row!.pushError).toContain("RetailCRM");
    // The back-off has passed.
    expect((await pushShopStatuses(conn.db, c.integrationId, new Date(Date.now() + 2 * 60_000))).pushed).toBe(1);

    await standIn.control("modules/activity", { account: c.account.slug, active: false });
    const [integration] = await conn.db.select().from(integrations).where(eq(integrations.id, c.integrationId));
    expect(integration!.enabled).toBe(false);
    await setOrderStatus({ ctx: c.t.staffCtx, input: { id, status: "COMPLETE" } });
    expect((await pushShopStatuses(conn.db, c.integrationId)).pushed).toBe(0);
  });
});
