import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_API_KEY, type RetailCrmStandIn, startRetailCrmStandIn } from "../server";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRET = "test-simple-secret";
const FORM = "application/x-www-form-urlencoded";

interface Received {
  method: string;
  path: string;
  contentType: string;
  query: Record<string, string>;
  form: Record<string, string>;
}

/**
 * "Our module", written from the protocol note alone: answers configUrl, verifies the register token, registers
 * itself through `edit` and answers the delivery callbacks from a table the test can change.
 */
class TestModule {
  url = "";
  readonly received: Received[] = [];
  readonly clientId = "client-" + "0123456789abcdef".repeat(2);
  /** Per path: what to answer. Default: a success for each known action. */
  readonly answers = new Map<string, { status: number; body: unknown }>();
  lastRegisterEdit?: Json;
  private server?: Server;
  private deliveries = 0;

  modulePayload(code: string, extra: Json = {}): Json {
    return {
      code,
      integrationCode: "kurier",
      active: true,
      name: "Курьер-Хаб",
      logo: `${this.url}/logo.svg`,
      clientId: this.clientId,
      baseUrl: `${this.url}/retailcrm`,
      accountUrl: `${this.url}/retailcrm/login`,
      actions: { activity: "/cb/activity" },
      integrations: {
        delivery: {
          actions: {
            calculate: "/cb/calculate",
            save: "/cb/save",
            get: "/cb/get",
            delete: "/cb/delete",
            print: "/cb/print",
          },
          payerType: ["sender", "receiver"],
          codAvailable: true,
          rateDeliveryCost: true,
          platePrintLimit: 2,
          statusList: [
            { code: "accepted", name: "Принят", isEditable: true },
            { code: "delivered", name: "Доставлен", isEditable: false },
          ],
          plateList: [{ type: "order", code: "label", label: "Этикетка" }],
          settings: {
            defaultPayerType: "receiver",
            paymentTypes: [
              { code: "cash", active: true, cod: true },
              { code: "bank-card", active: true, cod: false },
            ],
            statuses: [{ code: "complete", trackingStatusCode: "delivered" }],
          },
        },
      },
      ...extra,
    };
  }

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void this.answer(
          req.method!,
          req.url!,
          req.headers["content-type"] ?? "",
          Buffer.concat(chunks).toString(),
        ).then(({ status, type, body }) => res.writeHead(status, { "content-type": type }).end(body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  close() {
    this.server?.closeAllConnections();
    return new Promise<void>((r) => this.server!.close(() => r()));
  }

  private async answer(method: string, rawUrl: string, contentType: string, body: string) {
    const u = new URL(rawUrl, this.url);
    const form = contentType.startsWith(FORM) ? Object.fromEntries(new URLSearchParams(body)) : {};
    this.received.push({ method, path: u.pathname, contentType, query: Object.fromEntries(u.searchParams), form });
    const json = (status: number, b: unknown) => ({
      status,
      type: "application/json",
      body: JSON.stringify(b) as string | Buffer,
    });
    if (u.pathname === "/config")
      return json(200, {
        success: true,
        scopes: ["delivery_read", "delivery_write", "integration_read", "integration_write"],
        registerUrl: `${this.url}/register`,
      });
    if (u.pathname === "/register") {
      const reg = JSON.parse(form.register!) as { systemUrl: string; apiKey: string; token: string };
      const expected = Buffer.from(createHmac("sha256", SECRET).update(reg.apiKey).digest("hex"));
      const given = Buffer.from(reg.token);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return json(401, { success: false, errorMsg: "Неверная подпись" });
      const edit = await fetch(`${reg.systemUrl}/api/v5/integration-modules/kurier-1/edit`, {
        method: "POST",
        headers: { "x-api-key": reg.apiKey, "content-type": FORM },
        body: new URLSearchParams({ integrationModule: JSON.stringify(this.modulePayload("kurier-1")) }),
      });
      this.lastRegisterEdit = (await edit.json()) as Json;
      return json(201, { success: true, accountUrl: `${this.url}/retailcrm/login` });
    }
    const preset = this.answers.get(u.pathname);
    if (preset) return json(preset.status, preset.body);
    if (u.pathname.endsWith("/cb/print"))
      return { status: 200, type: "application/pdf", body: Buffer.from("%PDF-1.4\n%\xE2\xE3\n1 0 obj\n") };
    if (u.pathname.endsWith("/cb/save")) {
      const save = JSON.parse(form.save!) as Json;
      const deliveryId = save.deliveryId || `KH-${++this.deliveries}`;
      return json(200, {
        success: true,
        result: { deliveryId, trackNumber: `TN${deliveryId}`, cost: 250, status: "accepted" },
      });
    }
    if (u.pathname.endsWith("/cb/calculate"))
      return json(200, {
        success: true,
        result: [{ code: "courier-day", name: "Курьер за день", type: "courier", cost: 250 }],
      });
    if (u.pathname.endsWith("/cb/get"))
      return json(200, {
        success: true,
        result: { trackNumber: "TN", status: { code: "accepted", updatedAt: "2025-06-04T09:30:00+03:00" } },
      });
    return json(200, { success: true });
  }
}

let standIn: RetailCrmStandIn;
const mod = new TestModule();

async function control(path: string, body?: Json, method = body ? "POST" : "GET") {
  const res = await fetch(`${standIn.url}/_control/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function api(
  path: string,
  opts: {
    key?: string | null;
    via?: "header" | "query" | "form";
    form?: Record<string, string>;
    account?: string;
  } = {},
) {
  const key = opts.key === undefined ? DEFAULT_DEMO_API_KEY : opts.key;
  const u = new URL(`${standIn.url}/a/${opts.account ?? "demo"}${path}`);
  const headers: Record<string, string> = {};
  const form = new URLSearchParams(opts.form ?? {});
  if (key !== null) {
    if ((opts.via ?? "header") === "header") headers["x-api-key"] = key;
    else if (opts.via === "query") u.searchParams.set("apiKey", key);
    else form.set("apiKey", key);
  }
  const post = opts.form !== undefined || opts.via === "form";
  if (post) headers["content-type"] = FORM;
  const res = await fetch(u, { method: post ? "POST" : "GET", headers, body: post ? form : undefined });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

const register = (code: string, payload: Json, account = "demo", key?: string) =>
  api(`/api/v5/integration-modules/${code}/edit`, {
    form: { integrationModule: JSON.stringify(payload) },
    account,
    key,
  });

const track = (code: string, items: unknown, account = "demo") =>
  api(`/api/v5/delivery/generic/${code}/tracking`, { form: { statusUpdate: JSON.stringify(items) }, account });

beforeAll(async () => {
  await mod.start();
  standIn = await startRetailCrmStandIn({
    simpleConnectionSecret: SECRET,
    configUrl: `${mod.url}/config`,
    connectUrl: `${mod.url}/retailcrm/connect`,
  });
});
afterAll(async () => {
  await standIn.close();
  await mod.close();
});

describe("accounts, keys, auth", () => {
  it("reports a key's scopes and site access through /api/credentials", async () => {
    const full = await api("/api/credentials");
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ success: true, siteAccess: "access_full", sitesAvailable: ["main"] });
    expect(full.body.scopes).toContain("integration_write");

    const limited = await control("keys", { scopes: ["delivery_read"], sites: ["main"] });
    const creds = await api("/api/credentials", { key: limited.body.key });
    expect(creds.body).toEqual({
      success: true,
      scopes: ["delivery_read"],
      siteAccess: "access_selective",
      sitesAvailable: ["main"],
    });

    const denied = await register("kurier-x", mod.modulePayload("kurier-x"), "demo", limited.body.key);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ success: false, errorMsg: "Access denied." });
    expect(standIn.demo.modules.has("kurier-x")).toBe(false);
  });

  it("takes the key from X-API-KEY, an apiKey query parameter or an apiKey form field, with the documented errors", async () => {
    expect((await api("/api/credentials", { via: "header" })).status).toBe(200);
    expect((await api("/api/credentials", { via: "query" })).status).toBe(200);
    const viaForm = await api("/api/v5/integration-modules/nothing-here/edit", { via: "form", form: {} });
    expect(viaForm.body.errorMsg).toBe("Errors in the entity format"); // got past auth

    const missing = await api("/api/credentials", { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ success: false, errorMsg: '"apiKey" is missing.' });
    const wrong = await api("/api/credentials", { key: "nope", via: "query" });
    expect(wrong.body).toEqual({ success: false, errorMsg: 'Wrong "apiKey" value.' });

    const calls = standIn.apiCalls.slice(-5).map((c) => c.auth);
    expect(calls).toEqual(["header", "param", "param", undefined, "param"]);
  });

  it("serves several accounts, each with its own keys; a revoked key stops working", async () => {
    const acc = await control("accounts", { slug: "second", apiKey: "second-key", scopes: ["integration_read"] });
    expect(acc.body.url).toBe(`${standIn.url}/a/second`);
    expect((await api("/api/credentials", { account: "second", key: "second-key" })).status).toBe(200);
    expect((await api("/api/credentials", { account: "second" })).body.errorMsg).toBe('Wrong "apiKey" value.');
    expect((await api("/api/credentials", { account: "missing" })).body.errorMsg).toBe("Account does not exist.");
    expect((await control(`account?account=${encodeURIComponent(standIn.url + "/")}`)).body.slug).toBe("demo");
    expect((await control(`account?account=${encodeURIComponent(standIn.url + "/a/second")}`)).body.slug).toBe(
      "second",
    );

    await control("keys/revoke", { account: "second", key: "second-key" });
    const after = await api("/api/credentials", { account: "second", key: "second-key" });
    expect(after.status).toBe(401);
    expect(after.body.errorMsg).toBe('Wrong "apiKey" value.');
  });

  it("serves reference lists keyed by code, and gives the manual connect URL", async () => {
    const statuses = await api("/api/v5/reference/statuses");
    expect(statuses.body.statuses.complete).toMatchObject({ code: "complete", name: "Выполнен" });
    const payments = await api("/api/v5/reference/payment-types");
    expect(Object.keys(payments.body.paymentTypes)).toContain("cash");
    const connect = await control("connect-url?account=demo");
    expect(connect.body.url).toBe(
      `${mod.url}/retailcrm/connect?account=${encodeURIComponent(`${standIn.url}/a/demo`)}`,
    );
  });
});

describe("integration-modules/{code}/edit", () => {
  it("stores a valid module, creates its delivery type and returns the documented info", async () => {
    const res = await register("kurier-17", mod.modulePayload("kurier-17"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, info: { deliveryType: { code: "kurier-17" } } });
    const got = await api("/api/v5/integration-modules/kurier-17");
    expect(got.body.integrationModule).toMatchObject({ code: "kurier-17", clientId: mod.clientId, active: true });
    const types = await api("/api/v5/reference/delivery-types");
    expect(types.body.deliveryTypes["kurier-17"]).toMatchObject({
      integrationCode: "kurier-17",
      deliveryPaymentTypes: [
        { code: "cash", cod: true },
        { code: "bank-card", cod: false },
      ],
    });
    expect((await api("/api/v5/integration-modules/unknown")).body).toEqual({ success: false, errorMsg: "Not found" });
  });

  it("refuses bad payloads with errorMsg and errors by field, and stores nothing", async () => {
    const json = await fetch(`${standIn.url}/a/demo/api/v5/integration-modules/bad-1/edit`, {
      method: "POST",
      headers: { "x-api-key": DEFAULT_DEMO_API_KEY, "content-type": "application/json" },
      body: JSON.stringify({ integrationModule: mod.modulePayload("bad-1") }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as Json).errorMsg).toBe("Errors in the entity format");

    const notJson = await api("/api/v5/integration-modules/bad-1/edit", { form: { integrationModule: "{oops" } });
    expect(notJson.body.errors).toHaveProperty("integrationModule");

    const p = mod.modulePayload("bad-1");
    delete p.clientId;
    p.baseUrl = "not a url";
    p.integrations.delivery.actions.teleport = "/cb/teleport";
    p.integrations.delivery.statusList.push({ code: "accepted", name: "Дубль" });
    p.integrations.delivery.payerType = ["nobody"];
    p.integrations.delivery.settings.paymentTypes.push({ code: "bitcoin", active: true, cod: false });
    p.integrations.delivery.settings.statuses.push({ code: "complete", trackingStatusCode: "lost" });
    const bad = await register("bad-1", p);
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
    expect(bad.body.errorMsg).toBe("Validation error");
    expect(Object.keys(bad.body.errors).sort()).toEqual(
      [
        "clientId",
        "baseUrl",
        "integrations.delivery.actions.teleport",
        "integrations.delivery.statusList[2].code",
        "integrations.delivery.payerType",
        // defaultPayerType "receiver" is no longer among the (broken) payerType list
        "integrations.delivery.settings.defaultPayerType",
        "integrations.delivery.settings.paymentTypes[2].code",
        "integrations.delivery.settings.statuses[1].trackingStatusCode",
      ].sort(),
    );

    const mismatch = await register("bad-1", mod.modulePayload("other-code"));
    expect(mismatch.body.errors).toHaveProperty("code");
    const noSave = mod.modulePayload("bad-1");
    delete noSave.integrations.delivery.actions.save;
    expect((await register("bad-1", noSave)).body.errors).toHaveProperty(["integrations.delivery.actions.save"]);
    expect(standIn.demo.modules.has("bad-1")).toBe(false);
  });

  it("accepts an update with only the changed fields (active: false disconnects)", async () => {
    await register("kurier-upd", mod.modulePayload("kurier-upd"));
    const off = await register("kurier-upd", { code: "kurier-upd", active: false });
    expect(off.body.success).toBe(true);
    const got = await api("/api/v5/integration-modules/kurier-upd");
    expect(got.body.integrationModule.active).toBe(false);
    expect(got.body.integrationModule.name).toBe("Курьер-Хаб");
  });
});

describe("callbacks to our module", () => {
  beforeEach(() => {
    mod.received.length = 0;
    mod.answers.clear();
  });

  it("calculate: form POST clientId + calculate JSON, our answer reported", async () => {
    const res = await control("callbacks/calculate", { code: "kurier-17", address: { city: "Тверь" } });
    expect(res.body.status).toBe(200);
    expect(res.body.json.result[0].code).toBe("courier-day");
    const got = mod.received.at(-1)!;
    expect(got).toMatchObject({ method: "POST", path: "/retailcrm/cb/calculate", contentType: FORM });
    expect(got.form.clientId).toBe(mod.clientId);
    const calc = JSON.parse(got.form.calculate!) as Json;
    expect(calc.deliveryAddress.city).toBe("Тверь");
    expect(calc.packages[0].items[0]).toMatchObject({ name: "Настольная лампа", quantity: 1 });
    expect(calc.currency).toBe("RUB");
  });

  it("save: a realistic payload; our deliveryId is stored on the CRM order and sent back on the next save", async () => {
    const res = await control("callbacks/save", {
      code: "kurier-17",
      orderNumber: "5501C",
      customer: { firstName: "Иван", lastName: "Петров", phone: "+79161234567" },
      address: { city: "Москва", street: "Тверская", building: "7", flat: "5", index: "125009" },
      items: [
        { article: "LMP-01", name: "Лампа", quantity: 2, price: 1000, weight: 800 },
        { article: "BLB-02", name: "Лампочка", quantity: 1, price: 240, weight: 100 },
      ],
      payments: [
        { type: "bank-card", amount: 1000, paid: true },
        { type: "cash", amount: 1490, paid: false },
      ],
      tariff: "courier-day",
      cost: 250,
    });
    expect(res.body.status).toBe(200);
    expect(res.body.order.delivery.data).toMatchObject({
      externalId: "KH-1",
      trackNumber: "TNKH-1",
      tariff: "courier-day",
    });

    const save = JSON.parse(mod.received.at(-1)!.form.save!) as Json;
    expect(mod.received.at(-1)!.form.clientId).toBe(mod.clientId);
    expect(save).toMatchObject({ deliveryId: null, orderNumber: "5501C", site: "main", currency: "RUB" });
    expect(save.customer).toMatchObject({ firstName: "Иван", lastName: "Петров", phones: ["+79161234567"] });
    expect(save.packages[0].items.map((i: Json) => i.externalId)).toEqual(["LMP-01", "BLB-02"]);
    expect(save.packages[0].weight).toBe(1700);
    expect(save.delivery).toMatchObject({
      withCod: true,
      cod: 1490,
      codPaymentType: { code: "cash", name: "Наличные" },
      tariff: "courier-day",
      payerType: "receiver",
      deliveryAddress: { city: "Москва", index: "125009", text: "Тверская, 7, кв. 5" },
    });

    // Paid by card only: nothing to collect.
    await control("callbacks/save", {
      code: "kurier-17",
      payments: [{ type: "bank-card", amount: 2240, paid: false }],
    });
    const prepaid = JSON.parse(mod.received.at(-1)!.form.save!) as Json;
    expect(prepaid.delivery.withCod).toBe(false);
    expect(prepaid.delivery.codPaymentType).toBeUndefined();

    const again = await control("callbacks/save", { code: "kurier-17", order: "5501C" });
    expect(JSON.parse(mod.received.at(-1)!.form.save!).deliveryId).toBe("KH-1");
    expect(again.body.order.delivery.data.externalId).toBe("KH-1");
  });

  it("get is a GET with clientId and deliveryId in the query", async () => {
    const res = await control("callbacks/get", { code: "kurier-17", order: "5501C" });
    expect(res.body.status).toBe(200);
    expect(mod.received.at(-1)).toMatchObject({
      method: "GET",
      path: "/retailcrm/cb/get",
      query: { clientId: mod.clientId, deliveryId: "KH-1" },
    });
  });

  it("print: flat or nested deliveryIds, split by platePrintLimit, binary answer reported as base64", async () => {
    const res = await control("callbacks/print", { code: "kurier-17", deliveryIds: ["KH-1", "KH-2", "KH-3"] });
    expect(res.body.calls).toHaveLength(2);
    expect(res.body.contentType).toBe("application/pdf");
    expect(Buffer.from(res.body.body, "base64").subarray(0, 5).toString()).toBe("%PDF-");
    expect(JSON.parse(mod.received.at(-2)!.form.print!)).toEqual({
      type: "label",
      entityType: "order",
      deliveryIds: ["KH-1", "KH-2"],
    });
    await control("callbacks/print", { code: "kurier-17", deliveryIds: ["KH-1"], nested: true });
    expect(JSON.parse(mod.received.at(-1)!.form.print!).deliveryIds).toEqual([["KH-1"]]);
  });

  it("reports our business errors as answered (status and errorMsg)", async () => {
    mod.answers.set("/retailcrm/cb/calculate", {
      status: 400,
      body: { success: false, errorMsg: "Адрес вне зоны доставки" },
    });
    const res = await control("callbacks/calculate", { code: "kurier-17" });
    expect(res.body).toMatchObject({ status: 400, json: { success: false, errorMsg: "Адрес вне зоны доставки" } });
    expect(standIn.callbacks.at(-1)).toMatchObject({ action: "calculate", status: 400 });
  });

  it("a wrong clientId can be sent to test our 403", async () => {
    mod.answers.set("/retailcrm/cb/get", { status: 403, body: { success: false, errorMsg: "Неизвестный clientId" } });
    const res = await control("callbacks/get", { code: "kurier-17", deliveryId: "KH-1", clientId: "forged" });
    expect(res.body.status).toBe(403);
    expect(mod.received.at(-1)!.query.clientId).toBe("forged");
  });
});

describe("tracking", () => {
  it("records valid pushes, updates the delivery and moves the order through settings.statuses", async () => {
    const ok = await track("kurier-17", [
      {
        deliveryId: "KH-1",
        trackNumber: "KH0001",
        history: [
          { code: "accepted", updatedAt: "2025-06-04T09:30:00+03:00", comment: "" },
          { code: "delivered", updatedAt: "2025-06-05T12:00:00+03:00" },
        ],
      },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ success: true });
    const order = (await control("order?order=5501C")).body;
    expect(order.delivery.data).toMatchObject({ status: "delivered", trackNumber: "KH0001" });
    expect(order.status).toBe("complete");
    expect(order.history).toHaveLength(2);
    expect(standIn.tracking.at(-1)).toMatchObject({ subcode: "kurier-17", accepted: true, auth: "header" });
  });

  it("refuses undeclared status codes, bad dates, unknown deliveries and JSON bodies; records them too", async () => {
    const bad = await track("kurier-17", [
      { deliveryId: "KH-1", history: [{ code: "lost", updatedAt: "2025-06-04T09:30:00+03:00" }] },
      { deliveryId: "KH-404", history: [{ code: "accepted", updatedAt: "2025-06-04 09:30:00" }] },
      { history: [] },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.errorMsg).toBe("Validation error");
    expect(Object.keys(bad.body.errors).sort()).toEqual(
      [
        "statusUpdate[0].history[0].code",
        "statusUpdate[1].deliveryId",
        "statusUpdate[1].history[0].updatedAt",
        "statusUpdate[2].deliveryId",
      ].sort(),
    );
    expect(standIn.tracking.at(-1)).toMatchObject({ accepted: false, status: 400 });
    expect((await track("kurier-17", [])).status).toBe(400);
    expect((await track("nobody", [{ deliveryId: "KH-1" }])).body.errorMsg).toBe("Not found");
    // A delivery of another module instance is unknown to this one.
    const other = await register("kurier-other", mod.modulePayload("kurier-other"));
    expect(other.body.success).toBe(true);
    const foreign = await track("kurier-other", [{ deliveryId: "KH-1", history: [] }]);
    expect(foreign.body.errors).toHaveProperty(["statusUpdate[0].deliveryId"]);
    const asJson = await fetch(`${standIn.url}/a/demo/api/v5/delivery/generic/kurier-17/tracking`, {
      method: "POST",
      headers: { "x-api-key": DEFAULT_DEMO_API_KEY, "content-type": "application/json" },
      body: JSON.stringify({ statusUpdate: [] }),
    });
    expect(((await asJson.json()) as Json).errorMsg).toBe("Errors in the entity format");
  });
});

describe("failure modes", () => {
  it("tracking fails with 5xx for N calls, then works", async () => {
    await control("failures/tracking", { count: 2, status: 502 });
    const item = [{ deliveryId: "KH-1", history: [{ code: "accepted", updatedAt: "2025-06-06T10:00:00+03:00" }] }];
    expect((await track("kurier-17", item)).status).toBe(502);
    expect((await track("kurier-17", item)).status).toBe(502);
    expect((await track("kurier-17", item)).status).toBe(200);
  });

  it("forced and windowed rate-limit answers carry the configured status and Retry-After", async () => {
    await control("failures/rate-limit", { count: 1 });
    const limited = await api("/api/credentials");
    expect(limited.status).toBe(503);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await api("/api/credentials")).status).toBe(200);

    await control("configure", { rateLimit: { requests: 2, windowMs: 60_000 }, rateLimitStatus: 429 });
    const key = (await control("keys", { scopes: [] })).body.key as string;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api("/api/credentials", { key })).status);
    expect(statuses).toEqual([200, 200, 429]);
    await control("configure", { rateLimit: null, rateLimitStatus: 503 });
    expect((await api("/api/credentials", { key })).status).toBe(200);
  });

  it("freezing the module sends the activity callback; then tracking and callbacks are refused", async () => {
    mod.received.length = 0;
    const res = await control("modules/activity", { code: "kurier-17", freeze: true });
    expect(res.body.status).toBe(200);
    const got = mod.received.at(-1)!;
    expect(got).toMatchObject({ method: "POST", path: "/retailcrm/cb/activity" });
    expect(got.form).toMatchObject({ clientId: mod.clientId, systemUrl: `${standIn.url}/a/demo` });
    expect(JSON.parse(got.form.activity!)).toEqual({ active: true, freeze: true });

    const item = [{ deliveryId: "KH-1", history: [{ code: "accepted", updatedAt: "2025-06-06T10:00:00+03:00" }] }];
    const refused = await track("kurier-17", item);
    expect(refused.status).toBe(400);
    expect(standIn.tracking.at(-1)!.accepted).toBe(false);
    expect((await control("callbacks/calculate", { code: "kurier-17" })).status).toBe(409);

    await control("modules/activity", { code: "kurier-17", freeze: false, active: false });
    expect(JSON.parse(mod.received.at(-1)!.form.activity!)).toEqual({ active: false, freeze: false });
    await control("modules/activity", { code: "kurier-17", active: true });
    expect((await track("kurier-17", item)).status).toBe(200);
  });

  it("delete clears the CRM's delivery data after our success", async () => {
    const res = await control("callbacks/delete", { code: "kurier-17", order: "5501C" });
    expect(res.body.status).toBe(200);
    expect(JSON.parse(mod.received.at(-1)!.form.delete!)).toEqual({ deliveryId: "KH-1" });
    expect((await control("order?order=5501C")).body.delivery.data.externalId).toBeUndefined();
  });
});

describe("simple connection", () => {
  it("calls configUrl, then registerUrl with HMAC-SHA256(secret, apiKey); our module registers with the fresh key", async () => {
    const res = await control("simple-connect", { account: "demo" });
    expect(res.body.ok).toBe(true);
    expect(res.body.register.status).toBe(201);
    expect(res.body.accountUrl).toBe(`${mod.url}/retailcrm/login`);
    expect(res.body.token).toBe(createHmac("sha256", SECRET).update(res.body.apiKey).digest("hex"));
    expect(res.body.sentRegister.systemUrl).toBe(`${standIn.url}/a/demo`);
    expect(mod.lastRegisterEdit).toMatchObject({ success: true });
    const creds = await api("/api/credentials", { key: res.body.apiKey });
    expect(creds.body.scopes).toEqual(["delivery_read", "delivery_write", "integration_read", "integration_write"]);
  });

  it("reports our 401 when the token is wrong", async () => {
    const res = await control("simple-connect", { account: "demo", token: "0".repeat(64) });
    expect(res.body.ok).toBe(false);
    expect(res.body.register.status).toBe(401);
  });
});

describe("other CRM methods and callbacks", () => {
  it("update-scopes returns a new key with the requested scopes", async () => {
    const res = await api("/api/v5/integration-modules/kurier-17/update-scopes", {
      form: { requires: JSON.stringify({ scopes: ["delivery_read", "integration_read"] }) },
    });
    expect(res.body.success).toBe(true);
    expect(res.body.apiKey).not.toBe(DEFAULT_DEMO_API_KEY);
    const creds = await api("/api/credentials", { key: res.body.apiKey });
    expect(creds.body.scopes).toEqual(["delivery_read", "integration_read"]);
    const bad = await api("/api/v5/integration-modules/kurier-17/update-scopes", { form: { requires: "[]" } });
    expect(bad.body.errorMsg).toBe("Errors in the entity format");
  });

  it("edits a delivery type and reads an order with its delivery data", async () => {
    const edit = await api("/api/v5/reference/delivery-types/pickup-point/edit", {
      form: { deliveryType: JSON.stringify({ name: "До пункта выдачи", defaultCost: 150 }) },
    });
    expect(edit.body).toEqual({ success: true });
    const types = await api("/api/v5/reference/delivery-types");
    expect(types.body.deliveryTypes["pickup-point"]).toMatchObject({ name: "До пункта выдачи", defaultCost: 150 });

    await control("callbacks/save", { code: "kurier-17", orderNumber: "7001A" });
    const order = await api("/api/v5/orders/7001A");
    expect(order.body.order).toMatchObject({
      number: "7001A",
      delivery: { code: "kurier-17", integrationCode: "kurier-17", data: { trackNumber: expect.any(String) } },
    });
    expect(order.body.order.delivery.data.externalId).toMatch(/^KH-/);
    expect((await api("/api/v5/orders/none")).status).toBe(404);
  });

  it("opens our accountUrl as POST with clientId (or GET), and serves the integration list page", async () => {
    mod.received.length = 0;
    const post = await control("open-settings", { code: "kurier-17" });
    expect(post.body.status).toBe(200);
    expect(mod.received.at(-1)).toMatchObject({
      method: "POST",
      path: "/retailcrm/login",
      form: { clientId: mod.clientId },
    });
    await control("open-settings", { code: "kurier-17", method: "GET" });
    expect(mod.received.at(-1)).toMatchObject({ method: "GET", path: "/retailcrm/login" });

    const page = await fetch(`${standIn.url}/a/demo/admin/integration/list`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('data-code="kurier-17"');
  });

  it("sends shipmentSave, shipmentDelete (form POST) and tariffList (GET) only to a module that registered them", async () => {
    const p = mod.modulePayload("kurier-ship");
    Object.assign(p.integrations.delivery.actions, {
      shipmentSave: "/cb/shipment-save",
      shipmentDelete: "/cb/shipment-delete",
      tariffList: "/cb/tariffs",
    });
    expect((await register("kurier-ship", p)).body.success).toBe(true);
    expect((await control("callbacks/tariffList", { code: "kurier-17" })).status).toBe(409);

    mod.received.length = 0;
    await control("callbacks/tariffList", { code: "kurier-ship" });
    expect(mod.received.at(-1)).toMatchObject({
      method: "GET",
      path: "/retailcrm/cb/tariffs",
      query: { clientId: mod.clientId },
    });
    await control("callbacks/shipmentSave", { code: "kurier-ship", deliveryIds: ["KH-9"], date: "2025-06-10" });
    const ship = JSON.parse(mod.received.at(-1)!.form.shipmentSave!) as Json;
    expect(ship).toMatchObject({ shipmentId: null, date: "2025-06-10", orders: [{ deliveryId: "KH-9" }] });
    await control("callbacks/shipmentDelete", { code: "kurier-ship", shipmentId: "S-1" });
    expect(JSON.parse(mod.received.at(-1)!.form.shipmentDelete!)).toEqual({ shipmentId: "S-1" });
    expect((await control("callbacks?action=shipmentSave")).body).toHaveLength(1);
  });
});
