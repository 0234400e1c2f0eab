import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PimPayStandIn, startPimPayStandIn } from "../server";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NS = "urn:PlatformApiWsdl";
const TOKEN = "kh-test-token";
const TIN = "7707083893";
const OTHER_TIN = "500100732259";

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: false });

function rsaPair() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(), privateKey };
}
const ours = rsaPair();
const stranger = rsaPair();

/** The envelope PHP's SoapClient writes for an rpc/encoded call (with the SDK's three SOAP headers). */
function envelope(op: string, parts: string, headers = true): string {
  const head = headers
    ? `<SOAP-ENV:Header><ns1:client>kurier-hub/test</ns1:client><ns1:version>v2_7</ns1:version><ns1:signature/></SOAP-ENV:Header>`
    : "";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="${NS}" ` +
    `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" ` +
    `SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">${head}` +
    `<SOAP-ENV:Body><ns1:${op}><token xsi:type="xsd:string">${TOKEN}</token>${parts}</ns1:${op}></SOAP-ENV:Body>` +
    `</SOAP-ENV:Envelope>`
  );
}

interface PostOptions {
  key?: KeyObject | null;
  digest?: string;
  action?: string | null;
  /** Change the body after signing it. */
  tamper?: (body: string) => string;
  signal?: AbortSignal;
}

let standIn: PimPayStandIn;

async function post(op: string, body: string, o: PostOptions = {}) {
  const bytes = Buffer.from(body, "utf8");
  const headers: Record<string, string> = { "content-type": "text/xml; charset=utf-8" };
  const action = o.action === undefined ? `"${NS}#${op}"` : o.action;
  if (action !== null) headers.soapaction = action;
  const key = o.key === undefined ? ours.privateKey : o.key;
  if (key) headers["x-request-signature"] = sign(o.digest ?? "sha256", bytes, key).toString("base64");
  const sent = o.tamper ? Buffer.from(o.tamper(body), "utf8") : bytes;
  const res = await fetch(standIn.endpoint, { method: "POST", headers, body: sent, signal: o.signal });
  const text = await res.text();
  const doc = res.headers.get("content-type")?.startsWith("text/xml") ? (parser.parse(text) as Json) : {};
  const bodyEl = doc.Envelope?.Body ?? {};
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    text,
    fault: bodyEl.Fault as { faultcode: string; faultstring: string } | undefined,
    answer: bodyEl[`${op}Response`] as Json | undefined,
  };
}

async function soap(op: string, parts: string, o: PostOptions = {}) {
  return post(op, envelope(op, parts), o);
}

const list = (v: unknown): Json[] => (v === undefined || v === "" ? [] : ((Array.isArray(v) ? v : [v]) as Json[]));

async function control(method: "GET" | "POST", path: string, body?: unknown) {
  const res = await fetch(`${standIn.url}/_control/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

const history = (status = "prepared", custom = "Создан") =>
  `<history xsi:type="ns1:DeliveryStatusHistoryItems" SOAP-ENC:arrayType="ns1:DeliveryStatusHistoryItem[1]">` +
  `<item xsi:type="ns1:DeliveryStatusHistoryItem"><time xsi:type="xsd:dateTime">2025-06-01T10:00:00Z</time>` +
  `<uniformPimpayDeliveryStatus xsi:type="ns1:uniformPimpayDeliveryStatusType">${status}</uniformPimpayDeliveryStatus>` +
  `<customDeliveryStatus xsi:type="xsd:string">${custom}</customDeliveryStatus></item></history>`;

interface OrderXml {
  id: string;
  tin?: string;
  currency?: string | null;
  status?: string;
  cod?: string;
  deliveryService?: string;
  base?: boolean;
}

/** One `Order` struct as an encoded array member. */
function order(o: OrderXml): string {
  const currency = o.currency === null ? "" : `<currency xsi:type="ns1:currencyType">${o.currency ?? "RUB"}</currency>`;
  const base =
    o.base === false
      ? ""
      : `<base xsi:type="ns1:OrderBase"><params xsi:type="ns1:OrderParams">${currency}` +
        `<paymentFromRecipient xsi:type="xsd:float">${o.cod ?? "1500.5"}</paymentFromRecipient>` +
        `<declaredOrderCost xsi:type="xsd:float">1500</declaredOrderCost>` +
        `<estimatedDeliveryCost xsi:type="xsd:float">250</estimatedDeliveryCost>` +
        `<deliveryService xsi:type="ns1:deliveryServiceType">${o.deliveryService ?? "sdek"}</deliveryService>` +
        `<deliveryServiceExternalId xsi:type="xsd:string">CDEK-${o.id}</deliveryServiceExternalId>` +
        `<uniformPimpayDeliveryStatus xsi:type="ns1:uniformPimpayDeliveryStatusType">${o.status ?? "prepared"}` +
        `</uniformPimpayDeliveryStatus><customDeliveryStatus xsi:type="xsd:string">Создан</customDeliveryStatus>` +
        `<returnUtilization xsi:type="xsd:boolean">false</returnUtilization>${history()}</params></base>`;
  return (
    `<item xsi:type="ns1:Order"><id xsi:type="xsd:string">${o.id}</id>` +
    `<tin xsi:type="ns1:tinType">${o.tin ?? TIN}</tin>${base}` +
    (o.base === false ? "" : `<createdAt xsi:type="xsd:dateTime">2025-06-01T09:00:00Z</createdAt>`) +
    `<recipient xsi:type="ns1:Recipient"><fio xsi:type="xsd:string">Иванов Иван</fio></recipient>` +
    `<items xsi:type="ns1:OrderItems" SOAP-ENC:arrayType="ns1:OrderItem[1]"><item xsi:type="ns1:OrderItem">` +
    `<name xsi:type="xsd:string">Чайник</name><cost xsi:type="xsd:float">1500</cost>` +
    `<count xsi:type="xsd:integer">1</count><vatValue xsi:type="ns1:VatValueType">vat_20</vatValue></item></items>` +
    `</item>`
  );
}

const ordersPart = (items: string[]) =>
  `<orders xsi:type="ns1:Orders" SOAP-ENC:arrayType="ns1:Order[${items.length}]">${items.join("")}</orders>`;

function state(id: string, status: string, custom: string, extra = "") {
  return (
    `<item xsi:type="ns1:OrderState"><id xsi:type="xsd:string">${id}</id>` +
    `<uniformPimpayDeliveryStatus xsi:type="ns1:uniformPimpayDeliveryStatusType">${status}` +
    `</uniformPimpayDeliveryStatus><customDeliveryStatus xsi:type="xsd:string">${custom}</customDeliveryStatus>` +
    `${extra}</item>`
  );
}
const statesPart = (items: string[]) =>
  `<ordersStates xsi:type="ns1:OrdersStates" SOAP-ENC:arrayType="ns1:OrderState[${items.length}]">` +
  `${items.join("")}</ordersStates>`;

function verification(id: string, sum: string, rows: string, date = "2025-06-10") {
  return (
    `<tin xsi:type="ns1:tinType">${TIN}</tin><id xsi:type="xsd:string">${id}</id>` +
    `<paymentOrder xsi:type="ns1:PaymentOrder"><num xsi:type="xsd:integer">42</num>` +
    `<date xsi:type="xsd:date">${date}</date><sum xsi:type="xsd:float">${sum}</sum></paymentOrder>` +
    `<rows xsi:type="ns1:VerificationRows" SOAP-ENC:arrayType="ns1:VerificationRow[2]">${rows}</rows>`
  );
}

beforeAll(async () => {
  standIn = await startPimPayStandIn({ port: 0, verificationDelayMs: 0 });
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(async () => {
  standIn.reset();
  const reg = await control("POST", "tokens", { token: TOKEN, publicKeyPem: ours.publicPem });
  expect(reg.status).toBe(200);
  expect(reg.json).toMatchObject({ token: TOKEN, hasKey: true, keyBits: 2048 });
});

describe("transport and WSDL", () => {
  it("serves a WSDL of its own with every implemented method as rpc/encoded", async () => {
    const res = await fetch(standIn.wsdlUrl);
    expect(res.status).toBe(200);
    const doc = parser.parse(await res.text()) as Json;
    const defs = doc.definitions;
    expect(defs["@_targetNamespace"]).toBe(NS);
    const ops = list(defs.binding.operation);
    const actions = Object.fromEntries(ops.map((o) => [o["@_name"], o.operation["@_soapAction"]]));
    expect(actions.upsertOrders).toBe(`${NS}#upsertOrders`);
    expect(Object.keys(actions)).toEqual(
      expect.arrayContaining(["testHeaderSignature", "getClient", "acceptClient", "sendVerification"]),
    );
    expect(ops[0]!.input.body["@_use"]).toBe("encoded");
    expect(defs.service.port.address["@_location"]).toBe(standIn.endpoint);
  });

  it("checks SOAPAction and refuses what is not a SOAP 1.1 envelope", async () => {
    const wrong = await soap("testHeaderSignature", "", { action: `"${NS}#getClient"` });
    expect(wrong.status).toBe(500);
    expect(wrong.fault?.faultcode).toBe("SOAP-ENV:Client");
    expect(wrong.fault?.faultstring).toContain("SOAPAction");
    const missing = await soap("testHeaderSignature", "", { action: null });
    expect(missing.fault?.faultstring).toContain("Не передан заголовок SOAPAction");
    const broken = await post("testHeaderSignature", "<not-xml");
    expect(broken.fault?.faultstring).toContain("Некорректный XML");
    const unknown = await soap("getSomething", "", { action: `"${NS}#getSomething"` });
    expect(unknown.fault?.faultstring).toContain("не описан");
  });
});

describe("X-Request-Signature", () => {
  it("verifies a correct RSA-SHA256 signature over the exact body", async () => {
    const r = await soap("testHeaderSignature", "");
    expect(r.status).toBe(200);
    expect(r.answer?.isVerified["#text"]).toBe("true");
    expect(r.answer?.isVerified["@_type"]).toBe("xsd:boolean");
    expect(standIn.calls().at(-1)).toMatchObject({
      operation: "testHeaderSignature",
      token: TOKEN,
      signature: { ok: true, digest: "sha256" },
      soapHeaders: { client: "kurier-hub/test", version: "v2_7" },
    });
  });

  it("refuses a body changed after signing, a different key and a missing header", async () => {
    const tamper = (b: string) => b.replace("<SOAP-ENV:Body>", "<SOAP-ENV:Body> ");
    const altered = await soap("testHeaderSignature", "", { tamper });
    expect(altered.answer?.isVerified["#text"]).toBe("false");
    const alteredCall = await soap("getDeliveryServices", "", { tamper });
    expect(alteredCall.status).toBe(500);
    expect(alteredCall.fault).toMatchObject({ faultcode: "SOAP-ENV:Client" });
    expect(alteredCall.fault?.faultstring).toMatch(/^Подпись не принята/);

    const foreign = await soap("testHeaderSignature", "", { key: stranger.privateKey });
    expect(foreign.answer?.isVerified["#text"]).toBe("false");
    const foreignCall = await soap("getClient", `<tin>${TIN}</tin>`, { key: stranger.privateKey });
    expect(foreignCall.fault?.faultstring).toMatch(/^Подпись не принята/);

    const none = await soap("upsertOrders", ordersPart([]), { key: null });
    expect(none.fault?.faultstring).toBe("Подпись не принята: нет заголовка X-Request-Signature");
    expect(standIn.orders({ token: TOKEN })).toHaveLength(0);
  });

  it("accepts SHA-512 only when configured, and can fault testHeaderSignature too", async () => {
    const before = await soap("testHeaderSignature", "", { digest: "sha512" });
    expect(before.answer?.isVerified["#text"]).toBe("false");
    expect((await control("POST", "configure", { digests: ["sha256", "sha512"] })).json.tuning.digests).toEqual([
      "sha256",
      "sha512",
    ]);
    const after = await soap("testHeaderSignature", "", { digest: "sha512" });
    expect(after.answer?.isVerified["#text"]).toBe("true");
    expect(standIn.calls().at(-1)?.signature?.digest).toBe("sha512");
    standIn.configure({ digests: ["sha256"], strictTestSignature: true });
    const strict = await soap("testHeaderSignature", "", { key: stranger.privateKey });
    expect(strict.fault?.faultstring).toMatch(/^Подпись не принята/);
    standIn.configure({ strictTestSignature: false });
  });

  it("knows tokens only from the cabinet: unknown token faults, a token without a key is not verified", async () => {
    const body = envelope("testHeaderSignature", "").replace(TOKEN, "no-such-token");
    const unknown = await post("testHeaderSignature", body);
    expect(unknown.fault?.faultstring).toContain("Неверный токен");
    const demo = envelope("getDeliveryServices", "").replace(TOKEN, standIn.demoToken);
    const noKey = await post("getDeliveryServices", demo);
    expect(noKey.fault?.faultstring).toContain("не загружен открытый ключ");
    const privateRefused = await control("POST", "tokens", {
      token: "x",
      publicKeyPem: ours.privateKey.export({ type: "pkcs8", format: "pem" }),
    });
    expect(privateRefused.status).toBe(400);
    expect(privateRefused.json.error).toContain("закрытый ключ");
    // Replacing the key: the old private key stops working.
    await control("POST", "tokens", { token: TOKEN, publicKeyPem: stranger.publicPem });
    expect((await soap("testHeaderSignature", "")).answer?.isVerified["#text"]).toBe("false");
    expect((await soap("testHeaderSignature", "", { key: stranger.privateKey })).answer?.isVerified["#text"]).toBe(
      "true",
    );
  });
});

describe("clients", () => {
  const accept = (fields: Record<string, string>) =>
    `<client xsi:type="ns1:AcceptClientParams">` +
    Object.entries(fields)
      .map(([k, v]) => `<${k} xsi:type="xsd:string">${v}</${k}>`)
      .join("") +
    `</client>`;
  const good = {
    legalEntityName: "ООО «Ромашка»",
    tin: TIN,
    shopName: "Ромашка",
    email: "shop@example.ru",
    mobile: "+79991234567",
    agreement: "Д-15",
  };

  it("getClient faults for an unknown or malformed INN (or answers nil when configured)", async () => {
    const unknown = await soap("getClient", `<tin xsi:type="ns1:tinType">${TIN}</tin>`);
    expect(unknown.fault?.faultstring).toBe(`Клиент с ИНН ${TIN} не найден`);
    const bad = await soap("getClient", `<tin>12345</tin>`);
    expect(bad.fault?.faultstring).toContain("10–12 цифр");
    standIn.configure({ unknownClient: "nil" });
    const nil = await soap("getClient", `<tin>${TIN}</tin>`);
    expect(nil.status).toBe(200);
    expect(nil.answer?.clientInfo["@_nil"]).toBe("true");
    standIn.configure({ unknownClient: "fault" });
  });

  it("acceptClient validates the fields and answers ClientInfo; getClient finds it", async () => {
    const bad = await soap("acceptClient", accept({ ...good, mobile: "89991234567", tin: "77070838" }));
    expect(bad.fault?.faultcode).toBe("SOAP-ENV:Client");
    expect(bad.fault?.faultstring).toContain("mobile");
    expect(bad.fault?.faultstring).toContain("tin");
    const { shopName: _, ...noShop } = good;
    const missing = await soap("acceptClient", accept(noShop));
    expect(missing.fault?.faultstring).toContain("shopName: обязательное поле не заполнено");

    const ok = await soap("acceptClient", accept(good));
    expect(ok.status).toBe(200);
    const info = ok.answer?.clientInfo;
    expect(info["@_type"]).toBe("ns1:ClientInfo");
    expect(info.tin["#text"]).toBe(TIN);
    expect(info.status["#text"]).toBe("new");
    expect(info.isMoneyTransferPossible["#text"]).toBe("false");
    expect(info.paymentOrderPurpose["#text"]).toContain("Д-15");
    expect(info.ordersCount["#text"]).toBe("0");

    // The flat form (fields directly in the call) is accepted too.
    const flat = Object.entries({ ...good, tin: OTHER_TIN })
      .map(([k, v]) => `<${k}>${v}</${k}>`)
      .join("");
    expect((await soap("acceptClient", flat)).answer?.clientInfo.tin["#text"]).toBe(OTHER_TIN);

    await control("POST", "clients", { token: TOKEN, tin: TIN, status: "active", isMoneyTransferPossible: true });
    const got = await soap("getClient", `<tin>${TIN}</tin>`);
    expect(got.answer?.clientInfo.isMoneyTransferPossible["#text"]).toBe("true");
    expect(got.answer?.clientInfo.status["#text"]).toBe("active");
    expect((await control("GET", `clients?token=${TOKEN}`)).json.map((c: Json) => c.tin)).toEqual([TIN, OTHER_TIN]);
  });
});

describe("orders", () => {
  beforeEach(() => {
    standIn.createClient({ token: TOKEN, tin: TIN });
  });

  it("upsertOrders answers per order: good ones stored, bad ones explained", async () => {
    const r = await soap(
      "upsertOrders",
      ordersPart([
        order({ id: "KH-1" }),
        order({ id: "KH-2", currency: null, status: "shipped" }),
        order({ id: "KH-3", base: false }),
        order({ id: "KH-4", tin: "000000000000" }),
        order({ id: "KH-5", deliveryService: "courierist" }),
      ]),
    );
    expect(r.status).toBe(200);
    const result = r.answer?.result;
    expect(result["@_type"]).toBe("ns1:UpsertResultResponse");
    expect(result.count["#text"]).toBe("5");
    expect(result.orders["@_arrayType"]).toBe("ns1:UpsertResultItem[5]");
    const items = list(result.orders.item).map((i) => ({
      id: i.id["#text"],
      status: i.status["#text"],
      error: i.errorMessage?.["#text"],
    }));
    expect(items[0]).toEqual({ id: "KH-1", status: "ok", error: undefined });
    expect(items[1]!.status).toBe("error");
    expect(items[1]!.error).toContain("base.params.currency: обязательное поле не заполнено");
    expect(items[1]!.error).toContain("base.params.uniformPimpayDeliveryStatus: «shipped»");
    expect(items[2]).toEqual({
      id: "KH-3",
      status: "error",
      error: "Не указана ни одна из обазательных частей основной информации по заказу.",
    });
    expect(items[3]!.error).toContain("клиент с ИНН 000000000000 не найден");
    expect(items[4]!.status).toBe("ok");

    const stored = (await control("GET", `orders?token=${TOKEN}&tin=${TIN}`)).json as Json[];
    expect(stored.map((o) => o.id)).toEqual(["KH-1", "KH-5"]);
    expect(stored[0]).toMatchObject({
      tin: TIN,
      currency: "RUB",
      paymentFromRecipient: 1500.5,
      deliveryService: "sdek",
      uniformPimpayDeliveryStatus: "prepared",
      history: [{ time: "2025-06-01T10:00:00Z", uniformPimpayDeliveryStatus: "prepared", source: "upsert" }],
    });
    expect(stored[0]!.raw.recipient.fio).toBe("Иванов Иван");

    // Upsert again by id: replaced, not duplicated.
    await soap("upsertOrders", ordersPart([order({ id: "KH-1", cod: "999" })]));
    const again = standIn.orders({ token: TOKEN, id: "KH-1" });
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ paymentFromRecipient: 999, upserts: 2 });
    const info = await soap("getClient", `<tin>${TIN}</tin>`);
    expect(info.answer?.clientInfo.ordersCount["#text"]).toBe("2");
  });

  it("updateStateForOrders changes known orders and refuses unknown ones or bad statuses", async () => {
    await soap("upsertOrders", ordersPart([order({ id: "KH-1" }), order({ id: "KH-2" })]));
    const r = await soap(
      "updateStateForOrders",
      statesPart([
        state(
          "KH-1",
          "delivered",
          "Вручён",
          `<cost xsi:type="xsd:float">1450</cost><time xsi:type="xsd:dateTime">2025-06-03T11:05:00+03:00</time>`,
        ),
        state("KH-404", "delivered", "Вручён"),
        state("KH-2", "teleported", "Телепортирован"),
      ]),
    );
    expect(r.status).toBe(200);
    const result = r.answer?.result;
    expect(result["@_type"]).toBe("ns1:UpdateStateResultResponse");
    const items = list(result.orders.item);
    expect(items.map((i) => i.status["#text"])).toEqual(["ok", "error", "error"]);
    expect(items[1]!.errorMessage["#text"]).toContain("Заказ с id «KH-404» не найден");
    expect(items[2]!.errorMessage["#text"]).toContain("«teleported» не из списка");

    const [o1] = standIn.orders({ token: TOKEN, id: "KH-1" });
    expect(o1).toMatchObject({ uniformPimpayDeliveryStatus: "delivered", customDeliveryStatus: "Вручён", cost: 1450 });
    expect(o1!.history.map((h) => [h.uniformPimpayDeliveryStatus, h.source])).toEqual([
      ["prepared", "upsert"],
      ["delivered", "state"],
    ]);
    expect(standIn.orders({ token: TOKEN, id: "KH-2" })[0]!.uniformPimpayDeliveryStatus).toBe("prepared");
    const log = (await control("GET", `states?token=${TOKEN}`)).json as Json[];
    expect(log.map((s) => [s.id, s.status])).toEqual([
      ["KH-1", "ok"],
      ["KH-404", "error"],
      ["KH-2", "error"],
    ]);
  });

  it("reads multi-ref (href/id) encoding as well", async () => {
    const parts = `<ordersStates href="#s"/>`;
    const body = envelope("updateStateForOrders", parts).replace(
      "</ns1:updateStateForOrders>",
      `</ns1:updateStateForOrders><multiRef id="s" SOAP-ENC:arrayType="ns1:OrderState[1]">` +
        `${state("KH-9", "intransit", "В пути")}</multiRef>`,
    );
    const r = await post("updateStateForOrders", body);
    expect(list(r.answer?.result.orders.item)[0]!.errorMessage["#text"]).toContain("KH-9");
  });
});

describe("verifications", () => {
  beforeEach(async () => {
    standIn.createClient({ token: TOKEN, tin: TIN });
    await soap("upsertOrders", ordersPart([order({ id: "KH-1" }), order({ id: "KH-2" })]));
  });

  const status = async (id: string) => {
    const r = await soap("getVerificationStatus", `<id xsi:type="xsd:string">${id}</id>`);
    const res = r.answer?.result;
    return {
      status: res?.status["#text"],
      errors: list(res?.errors.item).map((e) => e.message["#text"]),
      fault: r.fault,
    };
  };

  it("is pending until settled, then matched when rows add up to the payment order", async () => {
    const rows =
      `<item oid="KH-1" ptp="1200.50" pfr="1500.5" dc="250" cs="50"/>` +
      `<item oid="KH-2" ptp="800"><txs SOAP-ENC:arrayType="ns1:CustomTransaction[1]"><item val="-1" cmt="Штраф"/></txs></item>`;
    const sent = await soap("sendVerification", verification("V-1", "1999.50", rows));
    expect(sent.answer?.result["#text"]).toBe("true");
    expect(await status("V-1")).toMatchObject({ status: "pending", errors: [] });
    const settled = await control("POST", "verifications/settle", { token: TOKEN });
    expect(settled.json.map((v: Json) => v.status)).toEqual(["matched"]);
    expect(await status("V-1")).toMatchObject({ status: "matched", errors: [] });
    const again = await soap("sendVerification", verification("V-1", "1999.50", rows));
    expect(again.fault?.faultstring).toContain("уже обработана");
  });

  it("is discarded with reasons when an order is unknown or the sums disagree", async () => {
    const rows = `<item><a_oid>KH-1</a_oid><a_ptp>1000</a_ptp></item>` + `<item oid="KH-777" ptp="500"/>`;
    await soap("sendVerification", verification("V-2", "2000", rows));
    standIn.settleVerifications({ token: TOKEN, id: "V-2" });
    const s = await status("V-2");
    expect(s.status).toBe("discarded");
    expect(s.errors).toEqual([
      "Строка 2: заказ «KH-777» не найден",
      "Сумма строк сверки (1500.00) не совпадает с суммой платёжного поручения №42 (2000.00)",
    ]);
  });

  it("settles by itself after verificationDelayMs and validates the request", async () => {
    standIn.configure({ verificationDelayMs: 50 });
    await soap("sendVerification", verification("V-3", "100", `<item oid="KH-1" ptp="100"/>`));
    expect((await status("V-3")).status).toBe("pending");
    await new Promise((r) => setTimeout(r, 80));
    expect((await status("V-3")).status).toBe("matched");
    standIn.configure({ verificationDelayMs: 0 });

    const bad = await soap("sendVerification", verification("V-4", "abc", `<item ptp="1"/>`, "10.06.2025"));
    expect(bad.fault?.faultstring).toContain("paymentOrder.date");
    expect(bad.fault?.faultstring).toContain("paymentOrder.sum");
    expect(bad.fault?.faultstring).toContain("rows[1].oid");
    expect((await status("V-404")).fault?.faultstring).toContain("не найдена");
  });
});

describe("failure modes", () => {
  it("answers HTTP 500 (plain), a SOAP Server fault, a delay or a dropped connection for the next calls", async () => {
    await control("POST", "fail-next", { count: 1, kind: "500" });
    const plain = await soap("testHeaderSignature", "");
    expect(plain.status).toBe(500);
    expect(plain.type).toContain("text/plain");
    expect((await soap("testHeaderSignature", "")).answer?.isVerified["#text"]).toBe("true");

    standIn.failNext(2, "fault", { operation: "getDeliveryServices" });
    expect((await soap("testHeaderSignature", "")).status).toBe(200);
    const f1 = await soap("getDeliveryServices", "");
    expect(f1.fault).toMatchObject({ faultcode: "SOAP-ENV:Server" });
    expect((await soap("getDeliveryServices", "")).status).toBe(500);
    const ok = await soap("getDeliveryServices", "");
    expect(ok.status).toBe(200);
    const services = list(ok.answer?.result.deliveryServices.item).map((d) => d.code["#text"]);
    expect(services).toEqual(expect.arrayContaining(["sdek", "top_delivery", "boxberry"]));

    await control("POST", "fail-next", { count: 1, kind: "delay", delayMs: 2000 });
    await expect(soap("testHeaderSignature", "", { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    standIn.failNext(1, "delay", { delayMs: 30 });
    expect((await soap("testHeaderSignature", "")).answer?.isVerified["#text"]).toBe("true");

    standIn.failNext(1, "drop");
    await expect(soap("testHeaderSignature", "")).rejects.toThrow();
    expect(standIn.calls().filter((c) => c.outcome === "injected")).toHaveLength(6);

    const badKind = await control("POST", "fail-next", { count: 1, kind: "explode" });
    expect(badKind.status).toBe(400);
  });

  it("reset forgets everything but the demo token", async () => {
    standIn.createClient({ token: TOKEN, tin: TIN });
    const r = await control("POST", "reset", {});
    expect(r.json.tokens.map((t: Json) => t.token)).toEqual([standIn.demoToken]);
    expect(r.json.tokens[0].hasKey).toBe(false);
  });
});
