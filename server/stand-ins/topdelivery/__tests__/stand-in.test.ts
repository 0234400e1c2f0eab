import { spawn } from "node:child_process";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_ACCOUNT,
  DEMO_GATE_USER,
  startTopDeliveryStandIn,
  type TopDeliveryStandIn,
  type TopDeliveryStandInOptions,
} from "../server";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
const NS = "urn:test:td-gate";
const PRINT_NS = "urn:test:td-print";
const OTHER_SHOP = { login: "other-shop", password: "other-pass" };
/** Most tests are not about the rate limit; the rate-limit tests start their own stand-in with the default 4. */
const ROOMY: TopDeliveryStandInOptions = {
  namespace: NS,
  printNamespace: PRINT_NS,
  rateLimitRps: 10_000,
  accounts: [DEMO_ACCOUNT, OTHER_SHOP],
};
let seq = 0;

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: false });
const basic = (u = DEMO_GATE_USER) => `Basic ${Buffer.from(`${u.login}:${u.password}`).toString("base64")}`;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A plain object as child elements; arrays repeat the element. */
function xml(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return esc(String(value));
  return Object.entries(value as Json)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `<${k}>${xml(x)}</${k}>`))
    .join("");
}

/** What a client learns from a gate's WSDL: the namespace, the endpoint and each operation's SOAPAction. */
async function learn(wsdlUrl: string) {
  const res = await fetch(wsdlUrl);
  expect(res.status).toBe(200);
  const text = await res.text();
  const doc = parser.parse(text) as Json;
  const defs = doc.definitions;
  const ops = [defs.binding.operation].flat() as Json[];
  return {
    text,
    namespace: defs["@_targetNamespace"] as string,
    endpoint: defs.service.port.address["@_location"] as string,
    actions: Object.fromEntries(ops.map((o) => [o["@_name"], o.operation["@_soapAction"]])) as Record<string, string>,
  };
}

type Gate = Awaited<ReturnType<typeof learn>>;

interface CallOptions {
  auth?: { login: string; password: string } | null;
  authorization?: string | null;
  action?: string | null;
  /** Write the body element with a default namespace instead of a prefix. */
  defaultNs?: boolean;
  namespace?: string;
}

/** A SOAP 1.1 call as a WSDL-reading client makes it; `body` is the parsed answer's Body. */
async function call(gate: Gate, op: string, params: Json, o: CallOptions = {}) {
  const ns = o.namespace ?? gate.namespace;
  const auth = o.auth === null ? "" : xml({ auth: o.auth ?? DEMO_ACCOUNT });
  const inner = auth + xml(params);
  const element = o.defaultNs ? `<${op} xmlns="${ns}">${inner}</${op}>` : `<td:${op}>${inner}</td:${op}>`;
  const envelope =
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:td="${ns}">` +
    `<soapenv:Header/><soapenv:Body>${element}</soapenv:Body></soapenv:Envelope>`;
  return post(gate.endpoint, envelope, {
    authorization: o.authorization === undefined ? basic() : o.authorization,
    action: o.action === undefined ? gate.actions[op] : o.action,
  });
}

async function post(url: string, envelope: string, o: { authorization?: string | null; action?: string | null }) {
  const headers: Record<string, string> = { "content-type": "text/xml; charset=utf-8" };
  if (o.authorization) headers.authorization = o.authorization;
  if (o.action) headers.soapaction = `"${o.action}"`;
  const res = await fetch(url, { method: "POST", headers, body: envelope });
  const text = await res.text();
  const parsed = res.headers.get("content-type")?.startsWith("text/xml") ? (parser.parse(text) as Json) : undefined;
  return { status: res.status, headers: res.headers, text, body: parsed?.Envelope?.Body as Json | undefined };
}

/** An order TopDelivery accepts: courier delivery in Moscow, one place of 900 g, COD 1 990 + 250. */
function order(over: Json = {}): Json {
  return {
    serviceType: "DELIVERY",
    deliveryType: "COURIER",
    orderSubtype: "SIMPLE",
    webshopNumber: `KH-${Date.now()}-${++seq}`,
    paymentByCard: 0,
    deliveryCostPayAnyway: 0,
    desiredDateDelivery: { date: "2031-06-05", timeInterval: { bTime: "10:00", eTime: "18:00" } },
    deliveryAddress: {
      type: "string",
      region: "Москва",
      city: "Москва",
      inCityAddress: { zipcode: "125009", address: "ул. Тверская, д. 1, кв. 5" },
    },
    clientInfo: { fio: "Смирнова Анна", phone: "79001234567", email: "anna@example.ru", comment: "" },
    clientCosts: { clientDeliveryCost: "250", recalcDelivery: 0, discount: { type: "SUM", value: "0" } },
    services: { notOpen: 0, marking: 0, smsNotify: 1, forChoise: 0, places: 1 },
    deliveryWeight: { weight: 900, volume: { length: 25, width: 20, height: 8 } },
    items: [
      {
        name: "Настольная лампа",
        article: "SKU-9",
        count: 1,
        push: 1,
        declaredPrice: "1990",
        clientPrice: "1990.00",
        weight: 850,
        vat: 20,
      },
    ],
    ...over,
  };
}

const asList = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

async function addOrders(gate: Gate, orders: Json[], o?: CallOptions) {
  const r = await call(gate, "addOrders", { addedOrders: orders }, o);
  expect(r.status).toBe(200);
  return r.body!.addOrdersResponse as Json;
}

async function create(gate: Gate, over: Json = {}) {
  const answer = await addOrders(gate, [order(over)]);
  expect(answer.addOrdersResult.status).toBe("0");
  return answer.addOrdersResult.orderIdentity as { orderId: string; barcode: string; webshopNumber: string };
}

async function info(gate: Gate, identities: Json[]) {
  const r = await call(gate, "getOrdersInfo", { order: identities });
  expect(r.status).toBe(200);
  return r.body!.getOrdersInfoResponse as Json;
}

describe("TopDelivery stand-in", () => {
  let s: TopDeliveryStandIn;
  let w: Gate;
  let p: Gate;

  beforeAll(async () => {
    s = await startTopDeliveryStandIn(ROOMY);
    [w, p] = await Promise.all([learn(s.wsdlUrl), learn(s.printWsdlUrl)]);
  });
  afterAll(() => s.close());

  describe("WSDL and envelopes", () => {
    it("serves each gate's WSDL with its own namespace, soapActions and endpoint", async () => {
      expect(w.namespace).toBe(NS);
      expect(p.namespace).toBe(PRINT_NS);
      expect(w.endpoint).toBe(`${s.url}/api/soap/w/2.0/`);
      expect(p.endpoint).toBe(`${s.url}/api/soap/print/2.0/`);
      expect(w.actions).toEqual({
        addOrders: `${NS}#addOrders`,
        getOrdersInfo: `${NS}#getOrdersInfo`,
        getOrdersByParams: `${NS}#getOrdersByParams`,
        deleteOrder: `${NS}#deleteOrder`,
        getCitiesRegions: `${NS}#getCitiesRegions`,
      });
      expect(p.actions).toEqual({
        printOrderAct: `${PRINT_NS}#printOrderAct`,
        printOrderDeliveryList: `${PRINT_NS}#printOrderDeliveryList`,
      });
      expect(s.soapActions.addOrders).toBe(w.actions.addOrders);
      // Lists are declared as such, so a client can tell which elements repeat.
      expect(w.text).toMatch(
        /<xsd:element name="addOrdersResult" type="tns:ctAddOrdersResult" minOccurs="0" maxOccurs="unbounded"\/>/,
      );
      expect(w.text).toContain('elementFormDefault="qualified"');
      expect(w.text).not.toContain("topdelivery.ru");
      // ?WSDL in capitals works too, and the default stand-in has a namespace of its own.
      const d = await startTopDeliveryStandIn();
      try {
        const upper = await fetch(d.wsdlUrl.replace("?wsdl", "?WSDL"));
        expect(await upper.text()).toContain('targetNamespace="urn:kh-standin:topdelivery:w2"');
        expect(d.namespace).toBe("urn:kh-standin:topdelivery:w2");
        expect(d.printNamespace).toBe("urn:kh-standin:topdelivery:print2");
      } finally {
        await d.close();
      }
    });

    it("accepts the body element prefixed or in a default namespace, children qualified or not", async () => {
      const prefixed = await call(w, "getCitiesRegions", { regionId: 77 });
      const byDefault = await call(w, "getCitiesRegions", { regionId: 77 }, { defaultNs: true });
      for (const r of [prefixed, byDefault]) {
        expect(r.status).toBe(200);
        const answer = r.body!.getCitiesRegionsResponse;
        expect(answer.requestResult.status).toBe("0");
        expect(answer.citiesRegions).toMatchObject({ regionId: "77", cityName: "Москва" });
      }
      // Answers are qualified with a prefix of the gate's namespace.
      expect(prefixed.text).toContain(`xmlns:ns1="${NS}"`);
      expect(prefixed.text).toContain("<ns1:getCitiesRegionsResponse>");
      const qualifiedChildren =
        `<s:Envelope xmlns:s="${SOAP_ENV}"><s:Body><q:getCitiesRegions xmlns:q="${NS}">` +
        `<q:auth><q:login>${DEMO_ACCOUNT.login}</q:login><q:password>${DEMO_ACCOUNT.password}</q:password></q:auth>` +
        `</q:getCitiesRegions></s:Body></s:Envelope>`;
      const q = await post(w.endpoint, qualifiedChildren, {
        authorization: basic(),
        action: w.actions.getCitiesRegions,
      });
      expect(q.body!.getCitiesRegionsResponse.requestResult.status).toBe("0");
      expect(asList(q.body!.getCitiesRegionsResponse.citiesRegions).length).toBeGreaterThan(3);
    });

    it("answers SOAP faults for malformed XML, unknown operations, a foreign namespace, a wrong SOAPAction and SOAP 1.2", async () => {
      const faults = s.counters.faults;
      const malformed = await post(w.endpoint, `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body>`, {
        authorization: basic(),
        action: w.actions.addOrders,
      });
      expect(malformed.status).toBe(500);
      expect(malformed.body!.Fault.faultcode).toBe("SOAP-ENV:Client");
      expect(malformed.body!.Fault.faultstring).toMatch(/Некорректный XML/);

      const unknown = await call(w, "editOrders", {}, { action: `${NS}#editOrders` });
      expect(unknown.status).toBe(500);
      expect(unknown.body!.Fault.faultstring).toContain(`{${NS}}editOrders`);

      const guessed = await call(
        w,
        "addOrders",
        { addedOrders: order() },
        { namespace: "http://is.topdelivery.ru/api/soap/w/2.0/" },
      );
      expect(guessed.status).toBe(500);
      expect(guessed.body!.Fault.faultstring).toMatch(/не описана в WSDL/);

      const printOnWebshopGate = await call(w, "printOrderAct", {}, { action: p.actions.printOrderAct });
      expect(printOnWebshopGate.body!.Fault.faultcode).toBe("SOAP-ENV:Client");

      const noAction = await call(w, "getCitiesRegions", {}, { action: null });
      expect(noAction.body!.Fault.faultstring).toMatch(/Не передан заголовок SOAPAction/);
      const wrongAction = await call(w, "getCitiesRegions", {}, { action: "getCitiesRegions" });
      expect(wrongAction.body!.Fault.faultstring).toMatch(/не соответствует операции getCitiesRegions/);

      const soap12 = await post(
        w.endpoint,
        `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><td:getCitiesRegions xmlns:td="${NS}"/></e:Body></e:Envelope>`,
        { authorization: basic(), action: w.actions.getCitiesRegions },
      );
      expect(soap12.body!.Fault.faultcode).toBe("SOAP-ENV:VersionMismatch");

      const dtd = await post(
        w.endpoint,
        `<!DOCTYPE x [<!ENTITY a "b">]><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"/>`,
        {
          authorization: basic(),
        },
      );
      expect(dtd.body!.Fault.faultstring).toMatch(/DTD/);
      expect(s.counters.faults - faults).toBe(8);
    });
  });

  describe("authentication", () => {
    it("answers 401 without or with wrong HTTP Basic credentials; the WSDL is open", async () => {
      const before = s.counters.unauthorized;
      const none = await call(w, "getCitiesRegions", {}, { authorization: null });
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
      expect(none.text).toMatch(/Неверный логин или пароль шлюза/);
      const wrong = await call(
        w,
        "getCitiesRegions",
        {},
        { authorization: basic({ login: DEMO_GATE_USER.login, password: "x" }) },
      );
      expect(wrong.status).toBe(401);
      const printGate = await call(
        p,
        "printOrderAct",
        {},
        { authorization: basic({ login: "nobody", password: "x" }) },
      );
      expect(printGate.status).toBe(401);
      expect(s.counters.unauthorized - before).toBe(3);
      expect((await fetch(s.wsdlUrl)).status).toBe(200);
    });

    it("answers requestResult status 1 for a wrong or missing inner auth block and creates nothing", async () => {
      const created = s.counters.ordersCreated;
      const wrong = await addOrders(w, [order()], { auth: { login: DEMO_ACCOUNT.login, password: "wrong" } });
      expect(wrong.requestResult).toEqual({
        status: "1",
        message: "Ошибка авторизации: неверный логин или пароль магазина",
      });
      expect(wrong.addOrdersResult).toBeUndefined();
      const missing = await addOrders(w, [order()], { auth: null });
      expect(missing.requestResult.status).toBe("1");
      expect(missing.requestResult.message).toMatch(/Не передан блок auth/);
      expect(s.counters.ordersCreated).toBe(created);
    });

    it("accepts several gate users and turns Basic auth off with basicAuth: false", async () => {
      const second = { login: "second-gate", password: "pw2" };
      const multi = await startTopDeliveryStandIn({ basicAuth: [DEMO_GATE_USER, second] });
      const open = await startTopDeliveryStandIn({ basicAuth: false });
      try {
        const m = await learn(multi.wsdlUrl);
        expect((await call(m, "getCitiesRegions", {}, { authorization: basic(second) })).status).toBe(200);
        const o = await learn(open.wsdlUrl);
        const r = await call(o, "getCitiesRegions", {}, { authorization: null });
        expect(r.body!.getCitiesRegionsResponse.requestResult.status).toBe("0");
      } finally {
        await Promise.all([multi.close(), open.close()]);
      }
    });
  });

  describe("addOrders", () => {
    it("creates many orders in one call with a result per order, refusing bad ones and a duplicate webshopNumber", async () => {
      const first = order();
      const second = order();
      const kilograms = order({ deliveryWeight: { weight: "0.9" } });
      const badMoney = order({
        clientCosts: { clientDeliveryCost: "250,50" },
        services: { places: { place: [{ weight: 400 }, { weight: 500 }] } },
        items: [{ name: "Лампа", count: 1, declaredPrice: "1990", clientPrice: "1990", weight: 850 }],
      });
      const pickup = order({ deliveryType: "PICKUP", deliveryAddress: { type: "pickup", pickupAddress: { id: 314 } } });
      const sameAsFirst = order({ webshopNumber: first.webshopNumber });
      const answer = await addOrders(w, [first, second, kilograms, badMoney, pickup, sameAsFirst]);
      expect(answer.requestResult).toEqual({ status: "0", message: "Создано заказов: 3 из 6" });
      const results = asList(answer.addOrdersResult as Json[]);
      expect(results.map((r) => r.status)).toEqual(["0", "0", "1", "1", "0", "2"]);

      for (const i of [0, 1, 4]) {
        const id = results[i]!.orderIdentity;
        expect(id.orderId).toMatch(/^\d+$/);
        expect(id.barcode).toMatch(/^TD\d{10}$/);
      }
      expect(results[0]!.orderIdentity.webshopNumber).toBe(first.webshopNumber);
      expect(results[1]!.orderIdentity.orderId).not.toBe(results[0]!.orderIdentity.orderId);
      expect(results[2]!.message).toMatch(
        /deliveryWeight\.weight: вес указывается в граммах целым числом; «0\.9» похоже на килограммы/,
      );
      expect(results[2]!.orderIdentity).toEqual({ webshopNumber: kilograms.webshopNumber });
      expect(results[3]!.message).toContain(
        "clientCosts.clientDeliveryCost: сумма в рублях пишется с точкой, а не с запятой",
      );
      expect(results[3]!.message).toContain("services.places: нужно число мест (количество), а не список мест");
      expect(results[3]!.message).toContain("items[1].vat: обязательное поле не заполнено");
      expect(results[5]!.message).toBe(
        `Заказ с номером магазина (webshopNumber) «${first.webshopNumber}» уже существует`,
      );

      // A later call with a taken number is refused too; another shop may use the same number.
      const again = await addOrders(w, [order({ webshopNumber: second.webshopNumber })]);
      expect(again.addOrdersResult.status).toBe("2");
      const other = await addOrders(w, [order({ webshopNumber: second.webshopNumber })], { auth: OTHER_SHOP });
      expect(other.addOrdersResult.status).toBe("0");
    });

    it("checks the required fields, delivery types, addresses and VAT", async () => {
      const bare = await addOrders(w, [{ webshopNumber: `KH-bare-${++seq}` }]);
      const message = bare.addOrdersResult.message as string;
      for (const field of [
        "serviceType",
        "deliveryType",
        "deliveryAddress",
        "clientInfo",
        "services",
        "deliveryWeight",
      ])
        expect(message).toContain(`${field}: обязательн`);
      expect(message).toContain("items: нужна хотя бы одна позиция");

      const cases: [Json, string][] = [
        [{ deliveryType: "EXPRESS" }, "deliveryType: допустимы COURIER или PICKUP"],
        [{ deliveryType: "PICKUP" }, "deliveryAddress.type: для доставки в пункт выдачи (PICKUP) нужен тип pickup"],
        [
          { deliveryAddress: { type: "pickup", pickupAddress: { id: 1 } } },
          "тип pickup только для доставки в пункт выдачи",
        ],
        [{ clientInfo: { fio: "Анна", phone: "12345" } }, "clientInfo.phone: нужен российский номер"],
        [{ items: [{ ...order().items[0], vat: 18 }] }, "items[1].vat: ставка НДС одна из"],
        [
          { items: [{ ...order().items[0], count: 2, push: 3 }] },
          "items[1].push: нужно целое число от 0 до количества",
        ],
        [{ desiredDateDelivery: { date: "2031-02-30" } }, "desiredDateDelivery.date: нужна дата ГГГГ-ММ-ДД"],
        [{ services: { places: 0 } }, "services.places: нужно число мест: целое от 1 до 99"],
        [{ paymentByCard: "yes" }, "paymentByCard: допустимы только 0 или 1"],
      ];
      const answer = await addOrders(
        w,
        cases.map(([over]) => order(over)),
      );
      asList(answer.addOrdersResult as Json[]).forEach((r, i) => {
        expect(r.status).toBe("1");
        expect(r.message).toContain(cases[i]![1]);
      });
    });

    it("refuses an empty call and one over maxOrdersPerCall as a whole", async () => {
      const empty = await call(w, "addOrders", {});
      expect(empty.body!.addOrdersResponse.requestResult).toEqual({
        status: "2",
        message: "Не передан ни один заказ (addedOrders)",
      });
      s.configure({ maxOrdersPerCall: 2 });
      try {
        const many = await addOrders(w, [order(), order(), order()]);
        expect(many.requestResult.status).toBe("2");
        expect(many.requestResult.message).toMatch(/не больше 2 заказов/);
        expect(many.addOrdersResult).toBeUndefined();
      } finally {
        s.configure({ maxOrdersPerCall: 100 });
      }
    });
  });

  describe("getOrdersInfo and getOrdersByParams", () => {
    it("answers one order as a lone element and several as a list, found by orderId, webshopNumber or barcode", async () => {
      const a = await create(w);
      const b = await create(w);
      const one = await info(w, [{ orderId: a.orderId }]);
      expect(one.requestResult.status).toBe("0");
      // A list of one is a lone element: a parser without list hints sees an object, not an array.
      expect(Array.isArray(one.ordersInfo)).toBe(false);
      expect(one.ordersInfo.orderInfo.orderIdentity).toEqual(a);
      expect(one.ordersInfo.orderInfo.status).toEqual({ id: "1", name: "Заказ создан" });
      expect(one.ordersInfo.orderInfo.workStatus).toEqual({ id: "1", name: "Новый" });
      expect(one.ordersInfo.orderInfo.clientFullCost).toBe("2240.00");
      expect(one.ordersInfo.orderInfo.events).toMatchObject({ status: { id: "1" }, comment: "Заказ принят в систему" });
      expect(one.ordersInfo.orderInfo.events.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);

      const two = await info(w, [{ webshopNumber: a.webshopNumber }, { barcode: b.barcode }]);
      expect(Array.isArray(two.ordersInfo)).toBe(true);
      expect(two.ordersInfo.map((x: Json) => x.orderInfo.orderIdentity.orderId)).toEqual([a.orderId, b.orderId]);

      // orderIdentity is accepted as the list's element name too; all given fields must match.
      const alias = await call(w, "getOrdersInfo", {
        orderIdentity: { orderId: a.orderId, webshopNumber: a.webshopNumber },
      });
      expect(alias.body!.getOrdersInfoResponse.ordersInfo.orderInfo.orderIdentity.orderId).toBe(a.orderId);
      const mismatch = await info(w, [{ orderId: a.orderId, barcode: b.barcode }]);
      expect(mismatch.requestResult.status).toBe("3");
    });

    it("reports unknown orders and hides other shops' orders", async () => {
      const a = await create(w);
      const partly = await info(w, [{ orderId: a.orderId }, { webshopNumber: "NO-SUCH" }]);
      expect(partly.requestResult).toEqual({ status: "0", message: "Не найдены: webshopNumber=NO-SUCH" });
      expect(partly.ordersInfo.orderInfo.orderIdentity.orderId).toBe(a.orderId);
      const foreign = await call(w, "getOrdersInfo", { order: { orderId: a.orderId } }, { auth: OTHER_SHOP });
      expect(foreign.body!.getOrdersInfoResponse.requestResult).toEqual({
        status: "3",
        message: `Заказы не найдены: orderId=${a.orderId}`,
      });
      expect(foreign.body!.getOrdersInfoResponse.ordersInfo).toBeUndefined();
    });

    it("finds orders by webshopNumber, work status and creation date", async () => {
      const a = await create(w);
      const r = await call(w, "getOrdersByParams", { orderIdentity: { webshopNumber: a.webshopNumber } });
      const answer = r.body!.getOrdersByParamsResponse;
      expect(answer.requestResult.status).toBe("0");
      expect(answer.ordersInfo.orderInfo.orderIdentity).toEqual(a);

      const none = await call(w, "getOrdersByParams", { orderIdentity: { webshopNumber: "NO-SUCH" } });
      expect(none.body!.getOrdersByParamsResponse).toEqual({ requestResult: { status: "0" } });

      s.setStatus({ orderId: Number(a.orderId), workStatus: 3 });
      const delivered = await call(w, "getOrdersByParams", { orderWorkStatus: 3, dateCreate: { from: "2020-01-01" } });
      const ids = asList(delivered.body!.getOrdersByParamsResponse.ordersInfo as Json[]).map(
        (x) => x.orderInfo.orderIdentity.orderId,
      );
      expect(ids).toContain(a.orderId);
      expect(ids.every((id) => s.state.orders.get(Number(id))!.workStatus.id === 3)).toBe(true);
      const future = await call(w, "getOrdersByParams", { orderWorkStatus: 3, dateCreate: { from: "2099-01-01" } });
      expect(future.body!.getOrdersByParamsResponse.ordersInfo).toBeUndefined();
      const bad = await call(w, "getOrdersByParams", { dateCreate: { to: "31.12.2030" } });
      expect(bad.body!.getOrdersByParamsResponse.requestResult.status).toBe("2");
    });
  });

  describe("deleteOrder", () => {
    it("deletes an order not yet in work, then refuses to delete one in work", async () => {
      const a = await create(w);
      const deleted = await call(w, "deleteOrder", { orderIdentity: { orderId: a.orderId } });
      expect(deleted.body!.deleteOrderResponse.requestResult).toEqual({
        status: "0",
        message: `Заказ ${a.orderId} удалён`,
      });
      expect((await info(w, [{ orderId: a.orderId }])).requestResult.status).toBe("3");
      const twice = await call(w, "deleteOrder", { orderIdentity: { orderId: a.orderId } });
      expect(twice.body!.deleteOrderResponse.requestResult.status).toBe("3");
      // The number is free again once its order is deleted.
      const reused = await create(w, { webshopNumber: a.webshopNumber });
      expect(reused.orderId).not.toBe(a.orderId);

      s.setStatus({ webshopNumber: reused.webshopNumber, workStatus: 2 });
      const refused = await call(w, "deleteOrder", { orderIdentity: { webshopNumber: reused.webshopNumber } });
      expect(refused.body!.deleteOrderResponse.requestResult).toEqual({
        status: "4",
        message: `Заказ ${reused.orderId} уже в работе (статус «Принят на склад»): удалить можно только заказ, не принятый в работу`,
      });
      expect((await info(w, [{ orderId: reused.orderId }])).requestResult.status).toBe("0");
    });
  });

  describe("statuses", () => {
    it("moves orders on by themselves every advanceEveryMs, events accumulating, every 5th refused with a reason", async () => {
      const t = await startTopDeliveryStandIn({ ...ROOMY, advanceEveryMs: 0 });
      try {
        const g = await learn(t.wsdlUrl);
        const answer = await addOrders(g, [
          order(),
          order({ deliveryType: "PICKUP", deliveryAddress: { type: "pickup", pickupAddress: { id: 7 } } }),
          order(),
          order(),
          order(),
        ]);
        const ids = asList(answer.addOrdersResult as Json[]).map((r) => r.orderIdentity);
        t.configure({ advanceEveryMs: 20 });
        let all: Json[] = [];
        for (let i = 0; i < 200; i++) {
          all = asList(
            (
              await info(
                g,
                ids.map((id) => ({ orderId: id.orderId })),
              )
            ).ordersInfo as Json[],
          ).map((x) => x.orderInfo);
          if (all.every((o) => Number(o.workStatus.id) >= 3)) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(all.map((o) => o.workStatus.id)).toEqual(["3", "3", "3", "3", "5"]);
        expect(asList(all[0]!.events).map((e: Json) => e.status.id)).toEqual(["1", "3", "5", "7"]);
        expect(asList(all[1]!.events).map((e: Json) => e.status.name)).toEqual([
          "Заказ создан",
          "Принят на склад",
          "Поступил в пункт выдачи",
          "Доставлен",
        ]);
        expect(all[0]!.clientPaid).toBe("2240.00");
        const refused = all[4]!;
        expect(refused.denyParams).toEqual({ type: "FULL", reason: { id: "1", name: "Нарушен срок доставки" } });
        expect(asList(refused.events).at(-1)).toMatchObject({
          workStatus: { id: "5", name: "Отказ" },
          comment: "Получатель отказался от заказа: Нарушен срок доставки",
        });
        expect(refused.clientPaid).toBe("0.00");
        // Final orders stay where they are.
        const changes = t.counters.statusChanges;
        await new Promise((r) => setTimeout(r, 80));
        expect(t.counters.statusChanges).toBe(changes);
      } finally {
        await t.close();
      }
    });

    it("sets a work status, a status id unknown to the dictionary and a partial delivery by control", async () => {
      const a = await create(w);
      const partial = s.setStatus({ orderId: Number(a.orderId), workStatus: 4, reasonId: 10 });
      expect(partial.denyParams).toEqual({ type: "PARTIAL", reason: { id: 10, name: "Не устраивает качество" } });
      expect(partial.clientPaid).toBe(1245);
      const odd = s.setStatus({
        barcode: a.barcode,
        statusId: 42,
        statusName: "Возврат в пути",
        workStatus: 2,
        comment: "Пересорт",
      });
      expect(odd.status).toEqual({ id: 42, name: "Возврат в пути" });
      const shown = (await info(w, [{ orderId: a.orderId }])).ordersInfo.orderInfo;
      expect(shown.status).toEqual({ id: "42", name: "Возврат в пути" });
      expect(shown.workStatus).toEqual({ id: "2", name: "В работе" });
      expect(shown.denyParams).toBeUndefined();
      expect(asList(shown.events).map((e: Json) => e.comment)).toEqual([
        "Заказ принят в систему",
        "Получатель выкупил часть заказа: Не устраивает качество",
        "Пересорт",
      ]);
      expect(() => s.setStatus({ orderId: Number(a.orderId), statusId: 99 })).toThrow(/передайте и statusName/);
      expect(() => s.setStatus({ orderId: Number(a.orderId), workStatus: 9 as never })).toThrow(/от 1 до 5/);
      expect(() => s.setStatus({ orderId: 1 })).toThrow(/не найден/);
      expect(s.advance()).toBeGreaterThan(0);
    });
  });

  describe("print gate", () => {
    it("returns a reportUrl to a real PDF act and delivery list", async () => {
      const a = await create(w);
      const b = await create(w, { clientInfo: { fio: "Петров Иван", phone: "+7 (900) 765-43-21" } });
      const act = await call(p, "printOrderAct", { orderIdentity: [{ orderId: a.orderId }, { barcode: b.barcode }] });
      const answer = act.body!.printOrderActResponse;
      expect(answer.requestResult.status).toBe("0");
      expect(answer.reportUrl).toMatch(new RegExp(`^${s.url}/api/soap/print/2\\.0/files/[0-9a-f-]{36}\\.pdf$`));
      const pdf = await fetch(answer.reportUrl);
      expect(pdf.headers.get("content-type")).toBe("application/pdf");
      const bytes = Buffer.from(await pdf.arrayBuffer()).toString("latin1");
      expect(bytes.startsWith("%PDF-1.4")).toBe(true);
      expect(bytes.trimEnd().endsWith("%%EOF")).toBe(true);
      expect(bytes).toContain("Akt priyoma-peredachi");
      expect(bytes).toContain(a.barcode);
      expect(bytes).toContain(b.webshopNumber);

      const list = await call(p, "printOrderDeliveryList", { orderIdentity: { webshopNumber: b.webshopNumber } });
      const listPdf = Buffer.from(
        await (await fetch(list.body!.printOrderDeliveryListResponse.reportUrl)).arrayBuffer(),
      );
      expect(listPdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect(listPdf.toString("latin1")).toContain("Petrov Ivan");
      expect(listPdf.toString("latin1")).toMatch(/%%EOF\s*$/);

      const missing = await call(p, "printOrderAct", { orderIdentity: { orderId: 1 } });
      expect(missing.body!.printOrderActResponse).toEqual({
        requestResult: { status: "3", message: "Заказы не найдены: orderId=1" },
      });
      expect((await fetch(`${s.url}/api/soap/print/2.0/files/00000000-0000-0000-0000-000000000000.pdf`)).status).toBe(
        404,
      );
    });
  });

  describe("failure modes", () => {
    it("answers an injected 500 as a Server fault, doing nothing", async () => {
      const created = s.counters.ordersCreated;
      s.failNext(1, "500");
      const r = await call(w, "addOrders", { addedOrders: order() });
      expect(r.status).toBe(500);
      expect(r.body!.Fault).toMatchObject({
        faultcode: "SOAP-ENV:Server",
        faultstring: "Внутренняя ошибка сервера, повторите запрос позже",
      });
      expect(s.counters.ordersCreated).toBe(created);
    });

    it("drops the connection before or after doing the work", async () => {
      const before = order();
      s.failNext(1, "drop");
      await expect(call(w, "addOrders", { addedOrders: before })).rejects.toThrow();
      const notThere = await call(w, "getOrdersByParams", { orderIdentity: { webshopNumber: before.webshopNumber } });
      expect(notThere.body!.getOrdersByParamsResponse.ordersInfo).toBeUndefined();

      const after = order();
      s.failNext(1, "drop-after");
      await expect(call(w, "addOrders", { addedOrders: after })).rejects.toThrow();
      // The order exists although its answer was lost: a resend is a duplicate, the lookup finds it.
      const resend = await addOrders(w, [after]);
      expect(resend.addOrdersResult.status).toBe("2");
      const found = await call(w, "getOrdersByParams", { orderIdentity: { webshopNumber: after.webshopNumber } });
      expect(found.body!.getOrdersByParamsResponse.ordersInfo.orderInfo.orderIdentity.webshopNumber).toBe(
        after.webshopNumber,
      );
    });

    it("aims a failure at one operation and delays answers", async () => {
      s.failNext(1, "500", "addOrders");
      expect((await call(w, "getCitiesRegions", {})).status).toBe(200);
      expect((await call(w, "addOrders", { addedOrders: order() })).status).toBe(500);
      expect(s.state.failures).toEqual([]);
      expect(() => s.failNext(1, "timeout" as never)).toThrow(/kind/);

      s.configure({ answerDelayMs: 120 });
      try {
        const started = Date.now();
        expect((await call(w, "getCitiesRegions", {})).status).toBe(200);
        expect(Date.now() - started).toBeGreaterThanOrEqual(110);
      } finally {
        s.configure({ answerDelayMs: 0 });
      }
    });
  });

  describe("control over HTTP", () => {
    it("shows info, orders and counters; sets statuses, advances, injects failures and configures", async () => {
      const get = async (path: string) => (await fetch(`${s.url}/_control/${path}`)).json() as Promise<Json>;
      const postJson = async (path: string, body: unknown) => {
        const res = await fetch(`${s.url}/_control/${path}`, { method: "POST", body: JSON.stringify(body) });
        return { status: res.status, json: (await res.json()) as Json };
      };
      const infoJson = await get("info");
      expect(infoJson).toMatchObject({ wsdlUrl: s.wsdlUrl, namespace: NS, printNamespace: PRINT_NS });
      expect(infoJson.soapActions.deleteOrder).toBe(`${NS}#deleteOrder`);

      const a = await create(w);
      const orders = (await get("orders")) as unknown as Json[];
      expect(orders.find((o) => String(o.orderId) === a.orderId)).toMatchObject({
        account: DEMO_ACCOUNT.login,
        deleted: false,
      });

      const set = await postJson("orders/status", { orderId: Number(a.orderId), workStatus: 5, reasonId: 6 });
      expect(set.json.denyParams.reason.name).toBe("Не дозвонились/истек срок хранения");
      expect((await postJson("orders/status", { orderId: Number(a.orderId) })).status).toBe(400);
      expect((await postJson("advance", { steps: 1 })).json).toHaveProperty("moves");

      expect((await postJson("fail-next", { count: 1, kind: "500", operation: "getCitiesRegions" })).json).toEqual({
        pending: 1,
      });
      expect((await call(w, "getCitiesRegions", {})).status).toBe(500);
      expect((await postJson("fail-next", { count: 1, kind: "boom" })).status).toBe(400);

      expect((await postJson("configure", { rateLimitRps: 0 })).status).toBe(400);
      expect((await postJson("configure", { answerDelayMs: [0, 5] })).json.tuning.answerDelayMs).toEqual([0, 5]);
      await postJson("configure", { answerDelayMs: 0 });

      const counters = await get("counters");
      expect(counters.requests.addOrders).toBeGreaterThan(0);
      expect(counters.wsdlRequests).toBeGreaterThan(0);
      expect(counters.reportDownloads).toBeGreaterThan(0);
      expect((await fetch(`${s.url}/_control/nope`)).status).toBe(404);
    });
  });
});

describe("TopDelivery stand-in rate limit", () => {
  it("refuses the 5th request within one second per gate user with HTTP 429 and a SOAP fault", async () => {
    const t = await startTopDeliveryStandIn();
    try {
      const g = await learn(t.wsdlUrl);
      const answers = await Promise.all(Array.from({ length: 5 }, () => call(g, "getCitiesRegions", {})));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      const refused = answers.find((r) => r.status === 429)!;
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.body!.Fault).toMatchObject({
        faultcode: "SOAP-ENV:Client.RateLimitExceeded",
        faultstring: "Превышен лимит запросов: не больше 4 в секунду",
        detail: { rateLimitRps: "4" },
      });
      expect(t.counters.rateLimited).toBe(1);
      expect(t.counters.peakRps).toBe(5);
      // The print gate shares the user's budget; the window slides, so a second later it is open again.
      expect((await call(await learn(t.printWsdlUrl), "printOrderAct", {})).status).toBe(429);
      await new Promise((r) => setTimeout(r, 1050));
      expect((await call(g, "getCitiesRegions", {})).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("lets a client paced at the limit through with no refusal, and counts users apart", async () => {
    const other = { login: "gate-2", password: "pw" };
    const t = await startTopDeliveryStandIn({ basicAuth: [DEMO_GATE_USER, other] });
    try {
      const g = await learn(t.wsdlUrl);
      for (let i = 0; i < 8; i++) {
        expect((await call(g, "getCitiesRegions", {})).status).toBe(200);
        await new Promise((r) => setTimeout(r, 260));
      }
      // Once the paced requests have left the window, each user has a full budget of its own.
      await new Promise((r) => setTimeout(r, 1050));
      const burst = await Promise.all([
        ...Array.from({ length: 4 }, () => call(g, "getCitiesRegions", {})),
        ...Array.from({ length: 4 }, () => call(g, "getCitiesRegions", {}, { authorization: basic(other) })),
      ]);
      expect(burst.map((r) => r.status).filter((x) => x !== 200)).toEqual([]);
      expect(t.counters.rateLimited).toBe(0);
      expect(t.counters.peakRps).toBeLessThanOrEqual(4);
      // Requests refused by Basic auth do not use the budget.
      await call(g, "getCitiesRegions", {}, { authorization: basic({ login: "x", password: "y" }) });
      expect(t.counters.rateLimited).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe("npm run stand-in:topdelivery", () => {
  it("runs as a process of its own and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/stand-ins/topdelivery/main.ts"], {
      env: { ...process.env, TOPDELIVERY_STAND_IN_PORT: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m && out.includes("Управление")) resolve(m[1]!);
      });
      child.on("exit", () => reject(new Error(`exited early: ${out}`)));
    });
    expect(out).toContain(DEMO_ACCOUNT.login);
    expect(out).toContain(DEMO_GATE_USER.password);
    const g = await learn(`${url}/api/soap/w/2.0/?wsdl`);
    expect(g.namespace).toBe("urn:kh-standin:topdelivery:w2");
    const r = await call(g, "getCitiesRegions", { regionId: 78 } satisfies Json);
    expect(r.body!.getCitiesRegionsResponse.citiesRegions.cityName).toBe("Санкт-Петербург");
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });
});
