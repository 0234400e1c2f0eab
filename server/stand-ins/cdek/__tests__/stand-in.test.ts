import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CdekStandIn, type CdekStandInOptions, DEMO_ACCOUNT, startCdekStandIn } from "../server";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OTHER_ACCOUNT = { account: "other-account", secure: "other-secure" };
const FAST: CdekStandInOptions = { validateDelayMs: 20, printDelayMs: 30, accounts: [DEMO_ACCOUNT, OTHER_ACCOUNT] };
let seq = 0;

/** A create request CDEK accepts: Moscow office → St Petersburg office, one 900 g package, COD 1 990 + 250. */
function validOrder(over: Json = {}): Json {
  return {
    type: 1,
    number: `KH-${Date.now()}-${++seq}`,
    tariff_code: 136,
    shipment_point: "MSK1",
    delivery_point: "SPB17",
    recipient: { name: "Смирнова Анна", phones: [{ number: "+79000000000" }] },
    delivery_recipient_cost: { value: 250 },
    packages: [pkg("1")],
    ...over,
  };
}

function pkg(number: string, over: Json = {}): Json {
  return {
    number,
    weight: 900,
    length: 25,
    width: 20,
    height: 8,
    items: [
      { name: "Настольная лампа", ware_key: "SKU-9", payment: { value: 1990 }, cost: 1990, weight: 850, amount: 1 },
    ],
    ...over,
  };
}

async function getToken(s: CdekStandIn, acc = DEMO_ACCOUNT): Promise<string> {
  const res = await fetch(`${s.url}/v2/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: acc.account, client_secret: acc.secure }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).access_token;
}

/** A client bound to one stand-in and token. */
function client(s: CdekStandIn, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      json: (text ? JSON.parse(text) : null) as Json,
    };
  };
}

type Api = ReturnType<typeof client>;

/** Polls the order until its CREATE request is no longer ACCEPTED. */
async function verdict(api: Api, uuid: string): Promise<Json> {
  for (let i = 0; i < 200; i++) {
    const r = await api("GET", `/v2/orders/${uuid}`);
    if (r.json.requests[0].state !== "ACCEPTED") return r.json;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error(`no verdict for ${uuid}`);
}

async function createAndDecide(api: Api, order: Json): Promise<Json> {
  const r = await api("POST", "/v2/orders", order);
  expect(r.status).toBe(202);
  return verdict(api, r.json.entity.uuid);
}

/** A local receiver for webhook deliveries; answers `status`. */
async function startReceiver(status = 200) {
  const received: Json[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise((r) => server.close(r)) };
}

describe("CDEK stand-in: tokens", () => {
  let s: CdekStandIn;
  beforeAll(async () => (s = await startCdekStandIn({ ...FAST, tokenTtlSec: 1 })));
  afterAll(() => s.close());

  it("issues a token for keys in the query string and in a form body; wrong keys get 400 invalid_client", async () => {
    const q = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "demo-account",
      client_secret: "demo-secure",
    });
    const byQuery = await fetch(`${s.url}/v2/oauth/token?${q}`, { method: "POST" });
    expect(byQuery.status).toBe(200);
    const t = (await byQuery.json()) as Json;
    expect(t).toMatchObject({
      token_type: "bearer",
      expires_in: 1,
      scope: expect.any(String),
      jti: expect.any(String),
    });
    expect(t.access_token.split(".")).toHaveLength(3);
    expect(await getToken(s)).not.toBe(t.access_token);

    q.set("client_secret", "wrong");
    const wrong = await fetch(`${s.url}/v2/oauth/token?${q}`, { method: "POST" });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client", error_description: expect.any(String) });
    expect(s.counters.tokenRequests).toBe(3);
  });

  it("answers 401 without a token, with an unknown one, after expiry and after expireTokens()", async () => {
    const none = await fetch(`${s.url}/v2/webhooks`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as Json).errors[0].code).toBe("v2_unauthorized");
    expect((await client(s, "nonsense")("GET", "/v2/webhooks")).status).toBe(401);

    const api = client(s, await getToken(s));
    expect((await api("GET", "/v2/webhooks")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await api("GET", "/v2/webhooks");
    expect(expired.status).toBe(401);
    expect(expired.json.errors[0].code).toBe("v2_token_expired");

    s.configure({ tokenTtlSec: 3600 });
    const fresh = client(s, await getToken(s));
    expect((await fresh("GET", "/v2/webhooks")).status).toBe(200);
    expect(s.expireTokens()).toBe(1);
    expect((await fresh("GET", "/v2/webhooks")).status).toBe(401);
    const viaHttp = client(s, await getToken(s));
    const res = await fetch(`${s.url}/_control/tokens/expire`, { method: "POST" });
    expect(await res.json()).toEqual({ expired: 1 });
    expect((await viaHttp("GET", "/v2/webhooks")).status).toBe(401);
  });
});

describe("CDEK stand-in: orders", () => {
  let s: CdekStandIn;
  let api: Api;
  beforeAll(async () => {
    s = await startCdekStandIn(FAST);
    api = client(s, await getToken(s));
  });
  afterAll(() => s.close());

  it("answers 202 ACCEPTED, then the order becomes SUCCESSFUL with a cdek_number, barcodes and CREATED", async () => {
    const order = validOrder({ packages: [pkg("1"), pkg("2", { weight: 400 })] });
    const created = await api("POST", "/v2/orders", order);
    expect(created.status).toBe(202);
    expect(created.type).toBe("application/json;charset=UTF-8");
    expect(created.json.requests[0]).toMatchObject({
      type: "CREATE",
      state: "ACCEPTED",
      request_uuid: expect.any(String),
    });
    const uuid = created.json.entity.uuid;
    expect((await api("GET", `/v2/orders/${uuid}`)).json.entity.cdek_number).toBeUndefined();

    const done = await verdict(api, uuid);
    expect(done.requests[0].state).toBe("SUCCESSFUL");
    const e = done.entity;
    expect(e.cdek_number).toMatch(/^\d{10}$/);
    expect(e).toMatchObject({ uuid, number: order.number, tariff_code: 136, delivery_point: "SPB17", type: 1 });
    expect(e.statuses.map((x: Json) => x.code)).toEqual(["CREATED", "ACCEPTED"]);
    expect(e.statuses[0]).toMatchObject({ name: "Создан", city: "Москва" });
    expect(e.statuses[0].date_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0300$/);
    expect(e.packages).toHaveLength(2);
    for (const p of e.packages)
      expect(p).toMatchObject({ barcode: expect.any(String), package_id: expect.any(String) });
    expect(new Set(e.packages.map((p: Json) => p.barcode)).size).toBe(2);
    expect(e.delivery_detail).toBeUndefined();

    const byCdek = await api("GET", `/v2/orders?cdek_number=${e.cdek_number}`);
    expect(byCdek.json.entity.uuid).toBe(uuid);
    const byIm = await api("GET", `/v2/orders?im_number=${encodeURIComponent(order.number)}`);
    expect(byIm.json.entity.uuid).toBe(uuid);
    expect(s.counters.ordersCreated).toBeGreaterThanOrEqual(1);
    expect(s.counters.requests["GET /v2/orders/{uuid}"]).toBeGreaterThanOrEqual(2);
  });

  it("answers 404 v2_entity_not_found for unknown orders and for another account's", async () => {
    const unknown = await api("GET", "/v2/orders/00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.json.errors[0].code).toBe("v2_entity_not_found");
    expect((await api("GET", "/v2/orders?im_number=nobody")).status).toBe(404);
    expect((await api("GET", "/v2/orders?cdek_number=1")).status).toBe(404);

    const mine = await api("POST", "/v2/orders", validOrder());
    const other = client(s, await getToken(s, OTHER_ACCOUNT));
    expect((await other("GET", `/v2/orders/${mine.json.entity.uuid}`)).status).toBe(404);
  });

  it("refuses structural faults with 400 in both of CDEK's shapes", async () => {
    const ordersBefore = s.state.orders.size;
    const { recipient: _r, ...noRecipient } = validOrder();
    const a = await api("POST", "/v2/orders", noRecipient);
    expect(a.status).toBe(400);
    expect(a.json.errors).toBeUndefined();
    expect(a.json.requests[0]).toMatchObject({ state: "INVALID", errors: [{ code: "v2_field_is_empty" }] });
    expect(a.json.requests[0].errors[0].message).toContain("recipient");

    const { packages: _p, ...noPackages } = validOrder();
    const b = await api("POST", "/v2/orders", noPackages);
    expect(b.status).toBe(400);
    expect(b.json.requests).toBeUndefined();
    expect(b.json.errors[0]).toMatchObject({ code: "v2_field_is_empty", message: expect.stringContaining("packages") });

    const { tariff_code: _t, ...noTariff } = validOrder();
    const c = await api("POST", "/v2/orders", noTariff);
    expect(c.status).toBe(400);
    expect(c.json.errors[0].message).toContain("tariff_code");

    const both = await api("POST", "/v2/orders", validOrder({ to_location: { city: "Москва", address: "ул. 1" } }));
    expect(both.json.requests[0].errors[0].code).toBe("v2_delivery_address_multivalued");
    const noItems = await api("POST", "/v2/orders", validOrder({ packages: [pkg("1", { items: undefined })] }));
    expect(noItems.json.requests[0].errors[0].message).toContain("packages[0].items");

    const garbage = await api("POST", "/v2/orders", "{not json");
    expect(garbage.status).toBe(400);
    expect(garbage.json.errors[0].code).toBe("v2_bad_request");
    expect(s.state.orders.size).toBe(ordersBefore);
  });

  // prettier-ignore
  const invalidCases: [string, () => Json, string][] = [
    ["two packages to a postamat", () => validOrder({ delivery_point: "SPB-PST1", packages: [pkg("1"), pkg("2")] }), "error_validate_postamat_package_count"],
    ["a postamat package over 15 kg", () => validOrder({ delivery_point: "MSK-PST1", packages: [pkg("1", { weight: 15_001 })] }), "error_validate_postamat_package_weight"],
    ["no dimensions at 900 g", () => validOrder({ packages: [pkg("1", { length: undefined, width: undefined, height: undefined })] }), "error_validate_package_one_of_size_is_zero"],
    ["a zero side", () => validOrder({ packages: [pkg("1", { height: 0 })] }), "error_validate_package_one_of_size_is_zero"],
    ["one side given at 50 g", () => validOrder({ packages: [pkg("1", { weight: 50, width: undefined, height: undefined })] }), "error_validate_package_one_of_size_is_zero"],
    ["a 50 g postamat package without sides", () => validOrder({ delivery_point: "NSK-PST1", packages: [pkg("1", { weight: 50, length: undefined, width: undefined, height: undefined })] }), "error_validate_package_one_of_size_is_zero"],
    ["no packages", () => validOrder({ packages: [] }), "error_validate_package_count"],
    ["256 packages", () => validOrder({ packages: Array.from({ length: 256 }, (_, i) => pkg(String(i + 1), { items: [] })) }), "error_validate_package_count"],
    ["per-unit COD on a type 2 order", () => validOrder({ type: 2 }), "error_validate_good_payment_not_suite"],
    ["COD over Novosibirsk's 50 000 limit (office)", () => validOrder({ delivery_point: "NSK23", delivery_recipient_cost: { value: 48_011 } }), "error_validate_method_of_payment_receiver_city_limit_payment_exceeded"],
    ["COD over Novosibirsk's limit (address)", () => validOrder({ delivery_point: undefined, to_location: { city: "новосибирск", address: "Красный пр., 2" }, delivery_recipient_cost: { value: 60_000 } }), "error_validate_method_of_payment_receiver_city_limit_payment_exceeded"],
    ["item amount 0", () => validOrder({ packages: [pkg("1", { items: [{ name: "Лампа", ware_key: "L", payment: { value: 0 }, cost: 1, weight: 10, amount: 0 }] })] }), "error_validate_package_im_wrong_amount"],
    ["item amount 1000", () => validOrder({ packages: [pkg("1", { items: [{ name: "Лампа", ware_key: "L", payment: { value: 0 }, cost: 1, weight: 10, amount: 1000 }] })] }), "error_validate_package_im_wrong_amount"],
    ["a domestic phone format", () => validOrder({ recipient: { name: "Анна", phones: [{ number: "89000000000" }] } }), "v2_invalid_format"],
    ["no recipient phone", () => validOrder({ recipient: { name: "Анна" } }), "v2_field_is_empty"],
    ["an unknown office", () => validOrder({ delivery_point: "XYZ9" }), "delivery_location_is_not_recognized"],
    ["a repeated package number", () => validOrder({ packages: [pkg("1"), pkg("1")] }), "error_validate_package_number_not_unique"],
  ];

  it.each(invalidCases)("makes the create INVALID for %s", async (_name, make, code) => {
    const done = await createAndDecide(api, make());
    const create = done.requests[0];
    expect(create.state).toBe("INVALID");
    expect(create.errors.map((e: Json) => e.code)).toContain(code);
    for (const e of create.errors) expect(e.message).toMatch(/[а-яё]/i);
    expect(done.entity.cdek_number).toBeUndefined();
    expect(done.entity.statuses[0].code).toBe("INVALID");
  });

  it("accepts the borderline cases: COD exactly at the limit, a light package without sides, a 15 kg postamat package", async () => {
    const atLimit = await createAndDecide(
      api,
      validOrder({ delivery_point: "NSK23", delivery_recipient_cost: { value: 48_010 } }),
    );
    expect(atLimit.requests[0].state).toBe("SUCCESSFUL");
    const light = await createAndDecide(
      api,
      validOrder({ packages: [pkg("1", { weight: 99, length: undefined, width: undefined, height: undefined })] }),
    );
    expect(light.requests[0].state).toBe("SUCCESSFUL");
    const postamat = await createAndDecide(
      api,
      validOrder({ delivery_point: "EKB-PST1", packages: [pkg("1", { weight: 15_000 })] }),
    );
    expect(postamat.requests[0].state).toBe("SUCCESSFUL");
    expect(postamat.entity.delivery_mode).toBe("7");
    const prepaidDelivery = await createAndDecide(
      api,
      validOrder({ type: 2, delivery_recipient_cost: undefined, packages: [pkg("1", { items: undefined })] }),
    );
    expect(prepaidDelivery.requests[0].state).toBe("SUCCESSFUL");
  });

  it("refuses a shop number held by an active order until that order is removed", async () => {
    const number = `DUP-${Date.now()}`;
    const first = await createAndDecide(api, validOrder({ number }));
    expect(first.requests[0].state).toBe("SUCCESSFUL");
    const second = await createAndDecide(api, validOrder({ number }));
    expect(second.requests[0].errors[0].code).toBe("error_validate_im_dep_number_has_already_had_integration");
    // By shop number the live order is found, not the later invalid one.
    expect((await api("GET", `/v2/orders?im_number=${number}`)).json.entity.uuid).toBe(first.entity.uuid);

    const del = await api("DELETE", `/v2/orders/${first.entity.uuid}`);
    expect(del.status).toBe(202);
    expect(del.json.requests[0]).toMatchObject({ type: "DELETE", state: "ACCEPTED" });
    const removed = (await api("GET", `/v2/orders/${first.entity.uuid}`)).json;
    expect(removed.entity.statuses[0].code).toBe("REMOVED");
    expect(removed.requests.map((r: Json) => r.type)).toEqual(["CREATE", "DELETE"]);

    const third = await createAndDecide(api, validOrder({ number }));
    expect(third.requests[0].state).toBe("SUCCESSFUL");
    expect((await api("GET", `/v2/orders?im_number=${number}`)).json.entity.uuid).toBe(third.entity.uuid);
  });

  it("lets only one of two simultaneous creates with the same number through", async () => {
    const number = `RACE-${Date.now()}`;
    const [a, b] = await Promise.all([
      api("POST", "/v2/orders", validOrder({ number })),
      api("POST", "/v2/orders", validOrder({ number })),
    ]);
    const states = [
      (await verdict(api, a!.json.entity.uuid)).requests[0].state,
      (await verdict(api, b!.json.entity.uuid)).requests[0].state,
    ];
    expect(states.sort()).toEqual(["INVALID", "SUCCESSFUL"]);
  });

  it("deletes only while CREATED: after a warehouse status the answer is 400", async () => {
    const o = await createAndDecide(api, validOrder());
    s.setStatus({ cdekNumber: o.entity.cdek_number, code: "RECEIVED_AT_SHIPMENT_WAREHOUSE" });
    const refused = await api("DELETE", `/v2/orders/${o.entity.uuid}`);
    expect(refused.status).toBe(400);
    expect(refused.json.requests[0]).toMatchObject({ type: "DELETE", state: "INVALID" });
    expect(refused.json.requests[0].errors[0]).toMatchObject({ code: "v2_order_cannot_be_deleted" });
    expect(refused.json.requests[0].errors[0].message).toContain("удалить уже нельзя");
    expect((await api("DELETE", "/v2/orders/00000000-0000-4000-8000-000000000000")).status).toBe(404);

    const invalid = await createAndDecide(api, validOrder({ delivery_point: "XYZ9" }));
    expect((await api("DELETE", `/v2/orders/${invalid.entity.uuid}`)).status).toBe(400);
  });

  it("sets delivery_detail.payment_sum on DELIVERED: the whole COD or the partial sum given", async () => {
    const whole = await createAndDecide(api, validOrder());
    const shown = s.setStatus({ uuid: whole.entity.uuid, code: "DELIVERED" });
    expect(shown.entity.delivery_detail).toEqual({ payment_sum: 2240, payment_info: [{ type: "CASH", sum: 2240 }] });

    const partial = await createAndDecide(api, validOrder());
    const res = await fetch(`${s.url}/_control/orders/status`, {
      method: "POST",
      body: JSON.stringify({
        cdekNumber: partial.entity.cdek_number,
        code: "DELIVERED",
        paymentSum: 1000,
        paymentType: "CARD",
      }),
    });
    expect(res.status).toBe(200);
    const read = (await api("GET", `/v2/orders/${partial.entity.uuid}`)).json.entity;
    expect(read.delivery_detail).toEqual({ payment_sum: 1000, payment_info: [{ type: "CARD", sum: 1000 }] });
    expect(read.statuses[0]).toMatchObject({ code: "DELIVERED", name: "Вручен", city: "Санкт-Петербург" });

    const unknown = await fetch(`${s.url}/_control/orders/status`, {
      method: "POST",
      body: JSON.stringify({ uuid: "x", code: "DELIVERED" }),
    });
    expect(unknown.status).toBe(404);
    const badCode = await fetch(`${s.url}/_control/orders/status`, {
      method: "POST",
      body: JSON.stringify({ uuid: whole.entity.uuid, code: "FLYING" }),
    });
    expect(badCode.status).toBe(400);
    expect(((await badCode.json()) as Json).error).toContain("FLYING");
  });

  it("answers the reference look-ups from its built-in tables", async () => {
    const moscow = await api(
      "GET",
      "/v2/location/cities?city=%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&country_codes=RU&size=5",
    );
    expect(moscow.json).toEqual([
      expect.objectContaining({ code: 44, city: "Москва", country_code: "RU", payment_limit: 250_000 }),
    ]);
    expect((await api("GET", `/v2/location/cities?city=${encodeURIComponent("Новосиб")}`)).json).toEqual([]);
    expect((await api("GET", "/v2/location/cities?country_codes=KZ")).json.map((c: Json) => c.city)).toEqual([
      "Алматы",
    ]);

    const pst = await api("GET", "/v2/deliverypoints?code=MSK-PST1");
    expect(pst.json).toEqual([
      expect.objectContaining({
        code: "MSK-PST1",
        type: "POSTAMAT",
        location: expect.objectContaining({ city: "Москва", country_code: "RU" }),
      }),
    ]);
    const ru = (await api("GET", "/v2/location/cities?country_codes=RU")).json as Json[];
    for (const c of ru) {
      const types = (await api("GET", `/v2/deliverypoints?city_code=${c.code}`)).json.map((p: Json) => p.type);
      expect(types).toEqual(expect.arrayContaining(["PVZ", "POSTAMAT"]));
    }
    const nowhere = await api("GET", "/v2/nowhere");
    expect(nowhere.status).toBe(404);
    expect(nowhere.type).toBe("application/json;charset=UTF-8");
  });
});

describe("CDEK stand-in: webhooks", () => {
  let s: CdekStandIn;
  let api: Api;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    s = await startCdekStandIn(FAST);
    api = client(s, await getToken(s));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await s.close();
    await receiver.close();
  });

  it("keeps at most two subscriptions; the same type and url updates the one it has", async () => {
    const first = await api("POST", "/v2/webhooks", { type: "ORDER_STATUS", url: `${receiver.url}/hook` });
    expect(first.status).toBe(200);
    const again = await api("POST", "/v2/webhooks", { type: "ORDER_STATUS", url: `${receiver.url}/hook` });
    expect(again.json.entity.uuid).toBe(first.json.entity.uuid);
    const print = await api("POST", "/v2/webhooks", { type: "PRINT_FORM", url: `${receiver.url}/print` });
    const third = await api("POST", "/v2/webhooks", { type: "ORDER_STATUS", url: `${receiver.url}/third` });
    expect(third.status).toBe(400);
    expect(third.json.errors[0]).toMatchObject({
      code: "v2_too_many_webhooks",
      message: expect.stringMatching(/[а-я]/),
    });
    expect((await api("POST", "/v2/webhooks", { type: "NOPE", url: receiver.url })).json.errors[0].code).toBe(
      "v2_webhook_type_incorrect",
    );

    expect((await api("GET", "/v2/webhooks")).json).toHaveLength(2);
    expect((await api("GET", `/v2/webhooks/${print.json.entity.uuid}`)).json.entity).toMatchObject({
      type: "PRINT_FORM",
    });
    expect((await api("DELETE", `/v2/webhooks/${print.json.entity.uuid}`)).status).toBe(200);
    expect((await api("GET", `/v2/webhooks/${print.json.entity.uuid}`)).status).toBe(404);
    expect((await api("GET", "/v2/webhooks")).json).toEqual([
      { uuid: first.json.entity.uuid, type: "ORDER_STATUS", url: `${receiver.url}/hook` },
    ]);
    // Subscriptions are per account.
    const other = client(s, await getToken(s, OTHER_ACCOUNT));
    expect((await other("GET", "/v2/webhooks")).json).toEqual([]);
  });

  it("posts ORDER_STATUS on CREATED and on every control status, none for INVALID, and loses them when told", async () => {
    const order = await createAndDecide(api, validOrder());
    await s.settle();
    const mine = () => receiver.received.filter((r) => r.body.uuid === order.entity.uuid).map((r) => r.body);
    expect(mine()).toHaveLength(1);
    expect(mine()[0]).toMatchObject({
      type: "ORDER_STATUS",
      date_time: expect.stringMatching(/\+0300$/),
      uuid: order.entity.uuid,
      attributes: {
        is_return: false,
        is_reverse: false,
        is_client_return: false,
        cdek_number: order.entity.cdek_number,
        number: order.entity.number,
        code: "CREATED",
        status_code: "1",
        city_name: "Москва",
        city_code: "44",
      },
    });

    await fetch(`${s.url}/_control/orders/status`, {
      method: "POST",
      body: JSON.stringify({ uuid: order.entity.uuid, code: "NOT_DELIVERED", reasonCode: 11 }),
    });
    await s.settle();
    expect(mine()[1].attributes).toMatchObject({
      code: "NOT_DELIVERED",
      status_code: "5",
      status_reason_code: "11",
      city_name: "Санкт-Петербург",
      city_code: "137",
    });
    expect(receiver.received.every((r) => r.path === "/hook")).toBe(true);

    const invalid = await createAndDecide(api, validOrder({ packages: [] }));
    await s.settle();
    expect(receiver.received.some((r) => r.body.uuid === invalid.entity.uuid)).toBe(false);

    s.configure({ loseWebhooks: 1 });
    const before = receiver.received.length;
    s.setStatus({ uuid: order.entity.uuid, code: "RETURNED_TO_SENDER_CITY_WAREHOUSE" });
    await s.settle();
    expect(receiver.received.length).toBe(before);
    expect(s.counters.webhooksLost).toBe(1);
    expect(s.state.webhookDeliveries.at(-1)).toMatchObject({ outcome: "lost" });
    expect(s.counters.webhooksDelivered).toBe(2);
    s.configure({ loseWebhooks: 0 });
  });

  it("counts a delivery the receiver refuses as failed", async () => {
    const refusing = await startReceiver(500);
    const other = client(s, await getToken(s, OTHER_ACCOUNT));
    await other("POST", "/v2/webhooks", { type: "ORDER_STATUS", url: refusing.url });
    await createAndDecide(other, validOrder());
    await s.settle();
    expect(refusing.received).toHaveLength(1);
    expect(s.state.webhookDeliveries.at(-1)).toMatchObject({ outcome: "failed", httpStatus: 500 });
    await refusing.close();
  });
});

describe("CDEK stand-in: print forms and registries", () => {
  let s: CdekStandIn;
  let api: Api;
  beforeAll(async () => {
    s = await startCdekStandIn(FAST);
    api = client(s, await getToken(s));
  });
  afterAll(() => s.close());

  async function ready(kind: string, uuid: string): Promise<Json> {
    for (let i = 0; i < 200; i++) {
      const r = (await api("GET", `/v2/print/${kind}/${uuid}`)).json;
      const last = r.entity.statuses.at(-1).code;
      if (last === "READY" || last === "INVALID") return r;
      await new Promise((ok) => setTimeout(ok, 10));
    }
    throw new Error("print job never finished");
  }

  async function download(url: string) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${await getToken(s)}` } });
    return { res, pdf: Buffer.from(await res.arrayBuffer()).toString("latin1") };
  }

  /** Checks the xref table: every offset points at its object and startxref at the table. */
  function expectValidPdf(pdf: string) {
    expect(pdf.startsWith("%PDF-")).toBe(true);
    expect(pdf.endsWith("%%EOF")).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF$/.exec(pdf)![1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe("xref");
    const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((o, i) => expect(pdf.slice(o).startsWith(`${i + 1} 0 obj`)).toBe(true));
  }

  it("makes waybills and barcode labels READY with a url to a real PDF", async () => {
    const a = await createAndDecide(api, validOrder());
    const b = await createAndDecide(api, validOrder({ packages: [pkg("1"), pkg("2")] }));
    const waybills = await api("POST", "/v2/print/orders", {
      orders: [{ order_uuid: a.entity.uuid }, { cdek_number: b.entity.cdek_number }],
      copy_count: 2,
      type: "tpl_russia",
    });
    expect(waybills.status).toBe(202);
    const uuid = waybills.json.entity.uuid;
    expect((await api("GET", `/v2/print/orders/${uuid}`)).json.entity.statuses.map((x: Json) => x.code)).toEqual([
      "ACCEPTED",
    ]);
    const done = await ready("orders", uuid);
    expect(done.entity.statuses.map((x: Json) => x.code)).toEqual(["ACCEPTED", "PROCESSING", "READY"]);
    expect(done.entity.url).toBe(`${s.url}/v2/print/orders/${uuid}.pdf`);
    expect(done.entity.orders).toHaveLength(2);

    const { res, pdf } = await download(done.entity.url);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expectValidPdf(pdf);
    expect(pdf.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(4); // 2 orders × 2 copies
    expect(pdf).toContain(a.entity.cdek_number);
    expect(pdf).toContain(b.entity.number);
    expect(pdf).toContain("Smirnova Anna");
    expect(pdf).toContain(b.entity.packages[1].barcode);

    const labels = await api("POST", "/v2/print/barcodes", {
      orders: [{ order_uuid: b.entity.uuid }],
      copy_count: 1,
      format: "A6",
      lang: "RUS",
    });
    const labelsDone = await ready("barcodes", labels.json.entity.uuid);
    const labelPdf = (await download(labelsDone.entity.url)).pdf;
    expectValidPdf(labelPdf);
    expect(labelPdf.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(2); // one label per package
    expect(labelPdf).toContain("/MediaBox [0 0 298 420]");
    // A waybill's uuid is not a label's.
    expect((await api("GET", `/v2/print/barcodes/${uuid}`)).status).toBe(404);
  });

  it("marks a print job with an unknown order INVALID and refuses more than 100 orders", async () => {
    const job = await api("POST", "/v2/print/orders", {
      orders: [{ order_uuid: "00000000-0000-4000-8000-000000000000" }],
    });
    const done = await ready("orders", job.json.entity.uuid);
    expect(done.entity.statuses.at(-1).code).toBe("INVALID");
    expect(done.entity.url).toBeUndefined();
    expect(done.requests[0].errors[0].code).toBe("v2_order_not_found");
    expect((await download(`${s.url}/v2/print/orders/${job.json.entity.uuid}.pdf`)).res.status).toBe(404);

    const tooMany = await api("POST", "/v2/print/barcodes", {
      orders: Array.from({ length: 101 }, () => ({ cdek_number: "1" })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors[0].message).toContain("100");
  });

  it("lists COD registries by date: added ones and ones built from delivered orders", async () => {
    const paid = await createAndDecide(api, validOrder());
    const partial = await createAndDecide(api, validOrder());
    const prepaid = await createAndDecide(
      api,
      validOrder({ delivery_recipient_cost: undefined, packages: [pkg("1", { items: [] })] }),
    );
    s.setStatus({ uuid: paid.entity.uuid, code: "DELIVERED" });
    s.setStatus({ uuid: partial.entity.uuid, code: "DELIVERED", paymentSum: 500 });
    s.setStatus({ uuid: prepaid.entity.uuid, code: "DELIVERED" });

    const made = s.makeRegistry("2025-03-05", { commissionPercent: 2.5 });
    expect(made!.orders).toEqual([
      {
        cdek_number: paid.entity.cdek_number,
        payment_sum: 2240,
        agent_commission_sum: 56,
        total_sum_without_agent: 2184,
        transfer_sum: 2184,
      },
      {
        cdek_number: partial.entity.cdek_number,
        payment_sum: 500,
        agent_commission_sum: 12.5,
        total_sum_without_agent: 487.5,
        transfer_sum: 487.5,
      },
    ]);
    expect(made!.sum).toBe(2671.5);
    expect(s.makeRegistry("2025-03-06")).toBeNull(); // nothing left that is not in a registry

    const res = await fetch(`${s.url}/_control/registries`, {
      method: "POST",
      body: JSON.stringify({
        date: "2025-03-07",
        registry_number: 77,
        payment_order_number: 991,
        orders: [
          {
            cdek_number: "1234567890",
            transfer_sum: 90,
            payment_sum: 100,
            total_sum_without_agent: 95,
            agent_commission_sum: 5,
          },
        ],
      }),
    });
    expect(res.status).toBe(200);

    const listed = await api("GET", "/v2/registries?date=2025-03-05");
    expect(listed.json.registries).toEqual([made]);
    const added = (await api("GET", "/v2/registries?date=2025-03-07")).json.registries;
    expect(added).toEqual([
      expect.objectContaining({ registry_number: 77, payment_order_number: 991, payment_date: "2025-03-07", sum: 90 }),
    ]);
    expect((await api("GET", "/v2/registries?date=2025-03-08")).json).toEqual({ registries: [] });
    expect((await api("GET", "/v2/registries?date=5.3.2025")).status).toBe(400);
    const other = client(s, await getToken(s, OTHER_ACCOUNT));
    expect((await other("GET", "/v2/registries?date=2025-03-05")).json.registries).toEqual([]);
  });
});

describe("CDEK stand-in: limits and injected failures", () => {
  let s: CdekStandIn;
  beforeAll(async () => (s = await startCdekStandIn({ ...FAST, rateLimitRps: 5 })));
  afterAll(() => s.close());

  it("answers 429 above rateLimitRps within a second, and serves again after it", async () => {
    const api = client(s, await getToken(s));
    await new Promise((r) => setTimeout(r, 1000));
    const burst = await Promise.all(Array.from({ length: 8 }, () => api("GET", "/v2/location/cities?city=Минск")));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(burst.find((r) => r.status === 429)!.json.errors[0].code).toBe("v2_too_many_requests");
    expect(s.counters.rateLimited).toBe(3);
    expect(s.counters.requests["GET /v2/location/cities"]).toBe(8);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api("GET", "/v2/location/cities?city=Минск")).status).toBe(200);
  });

  it("fails the next requests as told: 500, 429, a dropped connection, an answer lost after the work", async () => {
    s.configure({ rateLimitRps: 200 });
    const api = client(s, await getToken(s));
    s.failNext(1, "500");
    const failed = await api("GET", "/v2/webhooks");
    expect(failed.status).toBe(500);
    expect(failed.json.errors[0].code).toBe("v2_internal_error");
    await fetch(`${s.url}/_control/fail-next`, { method: "POST", body: JSON.stringify({ count: 1, kind: "429" }) });
    expect((await api("GET", "/v2/webhooks")).status).toBe(429);
    expect((await api("GET", "/v2/webhooks")).status).toBe(200);

    s.failNext(1, "drop");
    const created = s.counters.ordersCreated;
    await expect(api("POST", "/v2/orders", validOrder())).rejects.toThrow();
    expect(s.counters.ordersCreated).toBe(created);

    // The order is made but the answer never arrives: the hub must look it up by its number before retrying.
    const order = validOrder();
    s.failNext(1, "drop-after");
    await expect(api("POST", "/v2/orders", order)).rejects.toThrow();
    expect(s.counters.ordersCreated).toBe(created + 1);
    expect((await api("GET", `/v2/orders?im_number=${order.number}`)).status).toBe(200);
    expect(s.counters.injectedFailures).toBe(4);
  });

  it("delays POST /v2/orders by createDelayMs", async () => {
    s.configure({ createDelayMs: [120, 120] });
    const api = client(s, await getToken(s));
    const started = performance.now();
    expect((await api("POST", "/v2/orders", validOrder())).status).toBe(202);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    s.configure({ createDelayMs: [0, 0] });
    expect(() => s.configure({ loseWebhooks: 2 })).toThrow(/loseWebhooks/);
  });
});

describe("CDEK stand-in: own process", () => {
  it("main.ts starts on CDEK_STAND_IN_PORT, prints its URL and keys, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/stand-ins/cdek/main.ts"], {
      env: { ...process.env, CDEK_STAND_IN_PORT: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m && out.includes("Secure password")) resolve(m[1]!);
      });
      child.on("exit", () => reject(new Error(`exited early: ${out}`)));
    });
    expect(out).toContain("demo-account");
    expect(out).toContain("demo-secure");
    const token = await fetch(
      `${url}/v2/oauth/token?grant_type=client_credentials&client_id=demo-account&client_secret=demo-secure`,
      {
        method: "POST",
      },
    );
    expect(token.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });
});
