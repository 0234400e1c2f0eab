import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InSalesOrder, type InSalesStandIn, md5, passwordFor, startInSalesStandIn } from "../server";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const APP_ID = "kh-test-app";
const SECRET = "kh-test-secret";

/**
 * A minimal app on our side, written from the notes alone: stores MD5(token + secret) on install, checks it on
 * uninstall, runs the autologin of §4 with a nonce cookie and accepts the doc's full formula or the gem's.
 */
class TestApp {
  url = "";
  readonly installs: Json[] = [];
  readonly uninstalls: Json[] = [];
  readonly hooks: { path: string; type: string; body: string }[] = [];
  readonly passwords = new Map<string, string>();
  readonly usedNonces = new Set<string>();
  installStatus = 200;
  private server?: Server;

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const { status, headers, body } = this.answer(req, Buffer.concat(chunks).toString("utf8"));
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(body);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  close() {
    this.server?.closeAllConnections();
    return new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private answer(req: IncomingMessage, body: string): { status: number; headers?: Json; body: string } {
    const u = new URL(req.url!, this.url);
    const q = Object.fromEntries(u.searchParams);
    if (u.pathname === "/install") {
      this.installs.push(q);
      if (this.installStatus !== 200) return { status: this.installStatus, body: "нет" };
      if (!this.passwords.has(q.insales_id!)) this.passwords.set(q.insales_id!, md5(q.token! + SECRET));
      return { status: 200, body: "ok" };
    }
    if (u.pathname === "/uninstall") {
      this.uninstalls.push(q);
      const stored = this.passwords.get(q.insales_id!);
      if (stored === undefined) return { status: 200, body: "неизвестен" };
      if (stored !== q.token) return { status: 403, body: "пароль не совпал" };
      this.passwords.delete(q.insales_id!);
      return { status: 200, body: "ok" };
    }
    if (u.pathname === "/login") {
      const nonce = randomBytes(8).toString("hex");
      const back = encodeURIComponent(`${this.url}/autologin`);
      return {
        status: 302,
        headers: {
          "set-cookie": `kh_nonce=${nonce}; HttpOnly; Path=/`,
          location: `https://${q.shop}/admin/applications/${APP_ID}/login?token=${nonce}&login=${back}`,
        },
        body: "",
      };
    }
    if (u.pathname === "/autologin") {
      const nonce = /kh_nonce=([0-9a-f]+)/.exec(req.headers.cookie ?? "")?.[1];
      const given = q.token ?? q.token3;
      const password = [...this.passwords.values()].find((p) => {
        const head = nonce! + q.user_email + q.user_name + q.user_id;
        return given === md5(head + q.email_confirmed + p) || given === md5(head + p);
      });
      if (!nonce || !password || this.usedNonces.has(nonce)) return { status: 403, body: "подпись не сошлась" };
      this.usedNonces.add(nonce);
      return { status: 302, headers: { location: `/cabinet?user=${q.user_id}` }, body: "" };
    }
    if (u.pathname === "/cabinet") return { status: 200, body: `Кабинет ${q.user}` };
    if (u.pathname.startsWith("/hook")) {
      this.hooks.push({ path: u.pathname + u.search, type: String(req.headers["content-type"]), body });
      return { status: 200, body: "ok" };
    }
    return { status: 404, body: "нет" };
  }
}

const app = new TestApp();
let standIn: InSalesStandIn;
let clock = Date.parse("2025-03-01T09:00:00Z");

beforeAll(async () => {
  await app.start();
  standIn = await startInSalesStandIn({
    appId: APP_ID,
    appSecret: SECRET,
    appUrls: { install: `${app.url}/install`, uninstall: `${app.url}/uninstall`, login: `${app.url}/login` },
    rateLimit: { requests: 10_000, windowMs: 60_000 },
    now: () => clock,
  });
});
afterAll(async () => {
  await standIn?.close();
  await app.close();
});
afterEach(() => {
  standIn.configure({ loseWebhooks: 0, duplicateWebhooks: 0, autologinSignature: "full", autologinParam: "token" });
  app.installStatus = 200;
});

const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}`;

async function installedShop() {
  const shop = standIn.createShop();
  const result = await standIn.install(shop.insalesId);
  expect(result.status).toBe(200);
  return { shop, password: result.password! };
}

async function api(
  shop: { apiBase: string },
  password: string,
  method: string,
  path: string,
  body?: unknown,
  login = APP_ID,
) {
  const res = await fetch(`${shop.apiBase}${path}`, {
    method,
    headers: { authorization: basic(login, password), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { res, json: (await res.json()) as Json };
}

describe("install and uninstall (§2–3)", () => {
  it("derives the password as md5(token + secret): the notes' worked example", () => {
    expect(passwordFor("tok-42", "example-secret")).toBe("0005e598abd7ddf8fdb5daedf0623203");
  });

  it("calls our install URL with shop, token and insales_id, and counts the app installed only on a 200", async () => {
    const shop = standIn.createShop({ host: "flowers.myinsales.ru" });
    const result = await standIn.install("flowers.myinsales.ru");
    const call = app.installs.at(-1)!;
    expect(call).toEqual({ shop: "flowers.myinsales.ru", token: result.token, insales_id: String(shop.insalesId) });
    expect(result.installed).toBe(true);
    expect(app.passwords.get(String(shop.insalesId))).toBe(md5(result.token + SECRET));
    expect(standIn.shop(shop.insalesId).password).toBe(result.password);

    // A repeated call carries the same token; the app keeps what it has.
    const again = await standIn.install(shop.insalesId, { repeat: true });
    expect(again.token).toBe(result.token);
    await expect(standIn.install(shop.insalesId)).rejects.toThrow(/уже установлено/);

    app.installStatus = 500;
    const refused = standIn.createShop();
    const failed = await standIn.install(refused.insalesId);
    expect(failed).toMatchObject({ status: 500, installed: false });
    const { res } = await api(refused, failed.password!, "GET", "/admin/orders.json");
    expect(res.status).toBe(401);
  });

  it("uninstall sends the stored password as token; afterwards the password and the webhooks are gone", async () => {
    const { shop, password } = await installedShop();
    await api(shop, password, "POST", "/admin/webhooks.json", {
      webhook: { address: `${app.url}/hook/x`, topic: "orders/create", format_type: "json" },
    });
    const result = await standIn.uninstall(shop.insalesId);
    expect(app.uninstalls.at(-1)).toEqual({ shop: shop.host, token: password, insales_id: String(shop.insalesId) });
    expect(result.status).toBe(200);
    expect(app.passwords.has(String(shop.insalesId))).toBe(false);
    expect(standIn.webhooks(shop.insalesId)).toEqual([]);
    expect((await api(shop, password, "GET", "/admin/orders.json")).res.status).toBe(401);

    // Our app refuses a mismatching password (checked through the token override).
    const other = await installedShop();
    const wrong = await standIn.uninstall(other.shop.insalesId, { token: "not-the-password" });
    expect(wrong.status).toBe(403);
  });
});

describe("REST API auth (§5)", () => {
  it("accepts app id + MD5(token + secret) and refuses a wrong password, login or none with 401", async () => {
    const { shop, password } = await installedShop();
    const ok = await api(shop, password, "GET", "/admin/account.json");
    expect(ok.res.status).toBe(200);
    expect(ok.json).toMatchObject({ id: shop.insalesId, host: shop.host });
    expect(ok.res.headers.get("api-usage-limit")).toMatch(/^\d+\/10000$/);

    expect((await api(shop, md5("other" + SECRET), "GET", "/admin/orders.json")).res.status).toBe(401);
    const wrongLogin = await api(shop, password, "GET", "/admin/orders.json", undefined, "someone-else");
    expect(wrongLogin.res.status).toBe(401);
    expect(wrongLogin.json.errors[0]).toMatch(/Неверный логин или пароль/);
    const none = await fetch(`${shop.apiBase}/admin/orders.json`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic/);

    // Another installed shop's password does not open this shop.
    const other = await installedShop();
    expect((await api(shop, other.password, "GET", "/admin/orders.json")).res.status).toBe(401);
    // Without the /shops/<host> prefix the shop is the one whose password it is.
    const bare = await fetch(`${standIn.url}/admin/account.json`, {
      headers: { authorization: basic(APP_ID, password) },
    });
    expect(((await bare.json()) as Json).id).toBe(shop.insalesId);
  });
});

describe("orders (§6)", () => {
  it("pages by updated_since + from_id in (updated_at, id) order, ties included, then sees a later change", async () => {
    const { shop, password } = await installedShop();
    const t0 = clock;
    const early = [1, 2, 3, 4, 5].map(() => standIn.createOrder({ shop: shop.insalesId }).id);
    clock += 1000;
    const later = [1, 2].map(() => standIn.createOrder({ shop: shop.insalesId }).id);

    async function sync(cursor: { since: string; fromId: number }) {
      const seen: InSalesOrder[] = [];
      for (let guard = 0; guard < 20; guard++) {
        const q = new URLSearchParams({ updated_since: cursor.since, from_id: String(cursor.fromId), per_page: "2" });
        const { res, json } = await api(shop, password, "GET", `/admin/orders.json?${q}`);
        expect(res.status).toBe(200);
        const batch = json as unknown as InSalesOrder[];
        if (batch.length === 0) return seen;
        seen.push(...batch);
        cursor.since = batch.at(-1)!.updated_at;
        cursor.fromId = batch.at(-1)!.id;
      }
      throw new Error("the loop did not end");
    }

    // The notes' own escaped form: 2025-03-01+09%3A00%3A00+%2B00%3A00 → "2025-03-01 09:00:00 +00:00".
    const start = new Date(t0).toISOString().replace("T", " ").slice(0, 19) + " +00:00";
    const cursor = { since: start, fromId: 0 };
    const first = await sync(cursor);
    expect(first.map((o) => o.id)).toEqual([...early, ...later]);
    expect(first[0]).toMatchObject({ number: 1001, financial_status: "pending", fulfillment_status: "new" });

    clock += 1000;
    standIn.updateOrder(shop.insalesId, early[1]!, { financial_status: "paid" });
    const second = await sync(cursor);
    expect(second.map((o) => [o.id, o.financial_status])).toEqual([[early[1], "paid"]]);
    expect(await sync(cursor)).toEqual([]);

    const bad = await api(shop, password, "GET", "/admin/orders.json?updated_since=вчера");
    expect(bad.res.status).toBe(400);
    expect(bad.json.errors[0]).toMatch(/updated_since/);
    const count = await api(shop, password, "GET", "/admin/orders/count.json");
    expect(count.json).toEqual({ count: 7 });
  });

  it("gives an order with the notes' field names, control-made details included", async () => {
    const { shop, password } = await installedShop();
    const created = standIn.createOrder({
      shop: shop.host,
      financial_status: "paid",
      client: { name: "Иван", phone: "+79161234567" },
      shipping_address: { city: "Казань", street: "Баумана", house: "5", flat: null as unknown as string },
      order_lines: [
        { title: "Чайник", quantity: 2, sale_price: 1000, weight: 1.2 },
        { title: "Кружка", sale_price: "250.50" },
      ],
      delivery_price: 200,
      delivery_date: "2025-03-05",
      delivery_from_hour: 10,
      delivery_to_hour: 14,
    });
    const { json } = await api(shop, password, "GET", `/admin/orders/${created.id}.json`);
    expect(json).toMatchObject({
      id: created.id,
      financial_status: "paid",
      items_price: "2250.5",
      total_price: "2450.5",
      delivery_date: "2025-03-05",
      delivery_from_hour: 10,
      delivery_interval: { from_hour: 10, to_hour: 14 },
      client: { name: "Иван", phone: "+79161234567" },
      shipping_address: { city: "Казань", address: "Баумана, 5" },
      custom_status: { permalink: "new", system_status: "new" },
    });
    expect(json.order_lines).toHaveLength(2);
    expect(json.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+03:00$/);
    expect(() => standIn.createOrder({ shop: shop.host, delivery_from_hour: 15, delivery_to_hour: 9 })).toThrow(
      /delivery_from_hour/,
    );
    expect((await api(shop, password, "GET", "/admin/orders/1.json")).res.status).toBe(404);
  });
});

describe("custom statuses, fields and writing back (§6.4, §8)", () => {
  it("creates a custom status and a field once, then our PUT sets status, track and comment", async () => {
    const { shop, password } = await installedShop();
    const created = await api(shop, password, "POST", "/admin/custom_statuses.json", {
      custom_status: { system_status: "dispatched", title: "Передан курьеру" },
    });
    expect(created.res.status).toBe(201);
    expect(created.json).toMatchObject({ permalink: "peredan-kurieru", system_status: "dispatched" });
    const list = await api(shop, password, "GET", "/admin/custom_statuses.json");
    expect((list.json as unknown as Json[]).map((s) => s.permalink)).toContain("peredan-kurieru");
    const badSystem = await api(shop, password, "POST", "/admin/custom_statuses.json", {
      custom_status: { system_status: "lost", title: "Потерян" },
    });
    expect(badSystem.res.status).toBe(400);

    const field = { type: "Field::TextField", office_title: "Трек-номер курьера", destiny: 3, handle: "courier_track" };
    expect((await api(shop, password, "POST", "/admin/fields.json", { field })).res.status).toBe(201);
    const twice = await api(shop, password, "POST", "/admin/fields.json", { field });
    expect(twice.res.status).toBe(400);
    expect(twice.json.errors[0]).toMatch(/courier_track/);

    const order = standIn.createOrder({ shop: shop.insalesId });
    const body = {
      order: {
        custom_status_permalink: "peredan-kurieru",
        fields_values_attributes: [{ handle: "courier_track", value: "KH0042" }],
        manager_comment: "Курьер Пётр",
      },
    };
    const put = await api(shop, password, "PUT", `/admin/orders/${order.id}.json`, body);
    expect(put.res.status).toBe(200);
    const after = standIn.order(shop.insalesId, order.id);
    expect(after).toMatchObject({
      fulfillment_status: "dispatched",
      custom_status: { permalink: "peredan-kurieru", title: "Передан курьеру" },
      manager_comment: "Курьер Пётр",
    });
    expect(after.fields_values).toEqual([expect.objectContaining({ handle: "courier_track", value: "KH0042" })]);
    expect(standIn.writes(shop.insalesId)).toEqual([expect.objectContaining({ orderId: order.id, body: body.order })]);

    // fulfillment_status alone moves to that system status's built-in custom status.
    await api(shop, password, "PUT", `/admin/orders/${order.id}.json`, { order: { fulfillment_status: "delivered" } });
    expect(standIn.order(shop.insalesId, order.id).custom_status.permalink).toBe("delivered");

    const unknown = await api(shop, password, "PUT", `/admin/orders/${order.id}.json`, {
      order: { custom_status_permalink: "nope" },
    });
    expect(unknown.res.status).toBe(400);
    const unrooted = await api(shop, password, "PUT", `/admin/orders/${order.id}.json`, { fulfillment_status: "new" });
    expect(unrooted.res.status).toBe(400);
    expect(unrooted.json.errors[0]).toMatch(/корневой ключ/);
    expect(standIn.order(shop.insalesId, order.id).fulfillment_status).toBe("delivered");
  });
});

describe("webhooks (§7)", () => {
  async function withHooks(format_type?: string) {
    const { shop, password } = await installedShop();
    const path = `/hook/${shop.insalesId}?k=secret`;
    for (const topic of ["orders/create", "orders/update"]) {
      const { res } = await api(shop, password, "POST", "/admin/webhooks.json", {
        webhook: { address: `${app.url}${path}`, topic, ...(format_type ? { format_type } : {}) },
      });
      expect(res.status).toBe(201);
    }
    const received = () => app.hooks.filter((h) => h.path === path);
    return { shop, password, received };
  }

  it("delivers orders/create and orders/update to the address, the order itself as JSON", async () => {
    const { shop, password, received } = await withHooks("json");
    const list = await api(shop, password, "GET", "/admin/webhooks.json");
    expect(list.json).toHaveLength(2);
    const order = standIn.createOrder({ shop: shop.insalesId });
    standIn.setOrderStatus(shop.insalesId, order.id, "accepted");
    await standIn.flushWebhooks();
    const bodies = received().map((h) => JSON.parse(h.body) as InSalesOrder);
    expect(bodies.map((b) => [b.id, b.fulfillment_status])).toEqual([
      [order.id, "new"],
      [order.id, "accepted"],
    ]);
    expect(received()[0]!.type).toMatch(/application\/json/);

    const id = (list.json as unknown as Json[])[0]!.id;
    expect((await api(shop, password, "DELETE", `/admin/webhooks/${id}.json`)).res.status).toBe(200);
    expect(standIn.webhooks(shop.insalesId)).toHaveLength(1);
  });

  it("sends XML when no format is given, and reads dmz9's format: 1 as JSON", async () => {
    const { shop, password, received } = await withHooks();
    standIn.createOrder({ shop: shop.insalesId });
    await standIn.flushWebhooks();
    expect(received()[0]!.body).toMatch(/^<\?xml[^>]*\?><order><id type="integer">/);
    const w = await api(shop, password, "POST", "/admin/webhooks.json", {
      webhook: { address: `${app.url}/hook/f`, topic: "orders/destroy", format: 1 },
    });
    expect(w.json.format_type).toBe("json");
  });

  it("loses the configured fraction and sends the configured fraction twice", async () => {
    const { shop, received } = await withHooks("json");
    standIn.configure({ loseWebhooks: 1 });
    const lost = standIn.createOrder({ shop: shop.insalesId });
    await standIn.flushWebhooks();
    expect(received()).toHaveLength(0);
    expect(standIn.deliveries().filter((d) => d.orderId === lost.id)).toEqual([
      expect.objectContaining({ lost: true, topic: "orders/create" }),
    ]);

    standIn.configure({ loseWebhooks: 0, duplicateWebhooks: 1 });
    const doubled = standIn.createOrder({ shop: shop.insalesId });
    await standIn.flushWebhooks();
    expect(received().map((h) => (JSON.parse(h.body) as InSalesOrder).id)).toEqual([doubled.id, doubled.id]);

    // Fractions in between: over 200 orders about half are lost.
    standIn.configure({ loseWebhooks: 0.5, duplicateWebhooks: 0 });
    const before = received().length;
    for (let i = 0; i < 200; i++) standIn.createOrder({ shop: shop.insalesId });
    await standIn.flushWebhooks();
    const got = received().length - before;
    expect(got).toBeGreaterThan(60);
    expect(got).toBeLessThan(140);
  });
});

describe("rate limit (§5)", () => {
  it("answers 503 with Retry-After past the per-shop limit; refused requests do not count; other shops go on", async () => {
    const limited = await startInSalesStandIn({
      appId: APP_ID,
      appSecret: SECRET,
      appUrls: { install: `${app.url}/install` },
      rateLimit: { requests: 3, windowMs: 1500 },
    });
    try {
      const a = limited.createShop();
      const b = limited.createShop();
      const pa = (await limited.install(a.insalesId)).password!;
      const pb = (await limited.install(b.insalesId)).password!;
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = (await api(a, pa, "GET", "/admin/orders.json")).res;
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 503, 503]);
      expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(last!.headers.get("api-usage-limit")).toBe("3/3");
      expect((await api(b, pb, "GET", "/admin/orders.json")).res.status).toBe(200);
      expect(limited.counters.rateLimited).toBe(2);

      await new Promise((r) => setTimeout(r, Number(last!.headers.get("retry-after")) * 1000));
      expect((await api(a, pa, "GET", "/admin/orders.json")).res.status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("autologin (§4)", () => {
  it("follows login → InSales' autologin endpoint → our autologin with a valid signature → the cabinet", async () => {
    const shop = standIn.createShop({ users: [{ id: 77, email: "boss@shop.ru", name: "Ольга Начальникова" }] });
    await standIn.install(shop.insalesId);
    const result = await standIn.openApp(shop.insalesId);
    expect(result.hops.map((h) => [new URL(h.url).pathname, h.status, h.servedByStandIn])).toEqual([
      ["/login", 302, false],
      [`/admin/applications/${APP_ID}/login`, 302, true],
      ["/autologin", 302, false],
      ["/cabinet", 200, false],
    ]);
    expect(new URL(result.hops[0]!.url).searchParams.get("insales_id")).toBe(String(shop.insalesId));
    expect(new URL(result.hops[1]!.url).host).toBe(shop.host);
    expect(result).toMatchObject({ status: 200, body: "Кабинет 77" });
    const back = new URL(result.hops[2]!.url).searchParams;
    const nonce = result.autologin!.nonce;
    expect(back.get("token")).toBe(md5(nonce + "boss@shop.ru" + "Ольга Начальникова" + "77" + "true" + shop.password));
    expect(back.get("email_confirmed")).toBe("true");
  });

  it("signs with the gem's formula into token3 when configured; refuses a return host other than the login URL's", async () => {
    const { shop, password } = await installedShop();
    standIn.configure({ autologinSignature: "gem", autologinParam: "token3" });
    const result = await standIn.openApp(shop.insalesId);
    expect(result.status).toBe(200);
    const back = new URL(result.hops[2]!.url).searchParams;
    const user = shop.users[0]!;
    expect(back.get("token3")).toBe(md5(result.autologin!.nonce + user.email + user.name + user.id + password));

    const foreign = await fetch(
      `${shop.apiBase}/admin/applications/${APP_ID}/login?token=n1&login=${encodeURIComponent("https://evil.example/x")}`,
      { redirect: "manual" },
    );
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toMatch(/не совпадает/);
  });
});

describe("control over HTTP", () => {
  it("creates a shop and an order, moves it to a status (webhook fires) and reads what the app wrote", async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${standIn.url}/_control/${path}`, { method: "POST", body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as Json };
    };
    const shop = (await post("shops", { host: "ctl.myinsales.ru" })).json;
    expect((await post("install", { shop: shop.insalesId })).json.installed).toBe(true);
    const password = standIn.shop(shop.insalesId).password!;
    await api(standIn.shop(shop.insalesId), password, "POST", "/admin/webhooks.json", {
      webhook: { address: `${app.url}/hook/ctl`, topic: "orders/update", format_type: "json" },
    });
    const order = (await post("orders", { shop: "ctl.myinsales.ru", client: { name: "Пётр" } })).json;
    expect(order.client.name).toBe("Пётр");
    const moved = await post("orders/status", { shop: shop.insalesId, id: order.id, status: "approved" });
    expect(moved.json.fulfillment_status).toBe("approved");
    await post("webhooks/flush", {});
    expect(app.hooks.filter((h) => h.path === "/hook/ctl")).toHaveLength(1);

    const bad = await post("orders/status", { shop: shop.insalesId, id: order.id, status: "lost" });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/lost/);
    const writes = await fetch(`${standIn.url}/_control/writes?shop=ctl.myinsales.ru`);
    expect(await writes.json()).toEqual([]);
    const unknown = await post("orders", { shop: "nowhere.myinsales.ru" });
    expect(unknown.status).toBe(404);
  });
});
