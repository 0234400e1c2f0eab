import { describe, expect, it } from "vitest";
import { ISO_WITH_OFFSET } from "../../../stand-ins/retailcrm/validation";
import {
  calculateAnswer,
  calculateInput,
  calculateRequestSchema,
  getAnswer,
  mapSaveToOrder,
  printDeliveryIds,
  saveRequestSchema,
  tariffListAnswer,
  trackingItems,
} from "../mappers";
import { DEFAULT_STATUS_MAP } from "../statuses";

const RULES = { useArticles: false, codPaymentTypes: ["cash", "bank-card"] };

/** An item as the stand-in's save builder (and RetailCRM's PackageItem) sends it: grams, article in three places. */
function item(article: string, patch: Record<string, unknown> = {}) {
  return {
    offerId: "100",
    externalId: article,
    xmlId: article,
    name: "Настольная лампа",
    declaredValue: 1990,
    cod: 1990,
    vatRate: "none",
    quantity: 1,
    unit: { code: "pc", name: "Штука", sym: "шт." },
    cost: 1990,
    weight: 900,
    properties: { article: { code: "article", name: "Артикул", value: article } },
    ...patch,
  };
}

/** A `save` payload in the shape of the stand-in's buildSave (§5.3): one unpaid cash payment, COD on. */
function savePayload(patch: Record<string, unknown> = {}, delivery: Record<string, unknown> = {}) {
  return {
    deliveryId: null,
    order: "5501",
    orderNumber: "5501C",
    site: "main",
    siteName: "Демо-магазин",
    store: "warehouse",
    legalEntity: "ООО «Ромашка»",
    customer: {
      id: 301,
      firstName: "Анна",
      lastName: "Смирнова",
      patronymic: "Игоревна",
      phones: ["+79000000000"],
      email: "anna@example.ru",
      contragent: { type: "individual" },
    },
    manager: { id: 1, firstName: "Олег", lastName: "Менеджеров" },
    packages: [
      {
        packageId: "1",
        weight: 1800,
        length: 300,
        width: 200,
        height: 100,
        items: [item("ART-1", { quantity: 2 })],
      },
    ],
    delivery: {
      shipmentAddress: { countryIso: "RU", index: "101000", city: "Москва", street: "Складская", building: "1" },
      deliveryAddress: {
        countryIso: "RU",
        index: "170100",
        region: "Тверская область",
        city: "Тверь",
        street: "Советская",
        building: "3",
        flat: "12",
        text: "Советская, 3, кв. 12",
      },
      withCod: true,
      cod: 4230,
      codPaymentType: { code: "cash", name: "Наличные" },
      cost: 250,
      vatRate: "none",
      tariff: "7",
      payerType: "receiver",
      shipmentDate: "2026-12-01",
      deliveryDate: "2026-12-02",
      deliveryTime: { from: "10:00", to: "14:00" },
      extraData: {},
      ...delivery,
    },
    currency: "RUB",
    ...patch,
  };
}

const parseSave = (raw: unknown) => saveRequestSchema.parse(raw);

describe("saveRequestSchema", () => {
  it("accepts numbers as strings, unknown keys, nulls and PHP's [] for an empty extraData", () => {
    const s = parseSave(
      savePayload(
        { order: 5501, somethingNew: { x: 1 }, packages: [{ weight: " 1500 ", items: [] }] },
        { cod: "4230,50", withCod: "true", extraData: [], deliveryTime: null, codPaymentType: null },
      ),
    );
    expect(s.order).toBe("5501");
    expect(s.delivery?.cod).toBe(4230.5);
    expect(s.delivery?.withCod).toBe(true);
    expect(s.delivery?.extraData).toBeUndefined();
    expect(s.packages[0]!.weight).toBe(1500);
    expect((s as Record<string, unknown>).somethingNew).toEqual({ x: 1 });
    // "1 500" is not a number: the CRM never sends grouped digits, so it is refused rather than guessed.
    expect(saveRequestSchema.safeParse(savePayload({ packages: [{ weight: "1 500" }] })).success).toBe(false);
  });

  it("explains failures in Russian with the field's path", () => {
    const r = saveRequestSchema.safeParse(
      savePayload({ customer: "Анна", packages: [{ weight: "тяжёлая" }] }, { withCod: { yes: 1 } }),
    );
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        "customer: Покупатель: ожидается объект",
        "packages.0.weight: Упаковка, вес: ожидается число",
        "delivery.withCod: Доставка, withCod: ожидается true или false",
      ]),
    );
    expect(saveRequestSchema.safeParse("save").error!.issues[0]!.message).toBe("save: ожидается объект");
    expect(saveRequestSchema.safeParse({ delivery: {} }).error!.issues[0]!.message).toBe(
      "Нет заказа RetailCRM: не указаны ни order, ни orderNumber",
    );
    expect(calculateRequestSchema.safeParse([]).error!.issues[0]!.message).toBe("calculate: ожидается объект");
  });
});

describe("mapSaveToOrder", () => {
  it("maps an unpaid order with COD in cash: receiver, date and hours, items, one place, money", () => {
    const m = mapSaveToOrder(parseSave(savePayload()), RULES);
    expect(m.crmOrderId).toBe("5501");
    expect(m.deliveryId).toBeNull();
    expect(m.number).toBe("5501C");
    expect(m.order).toEqual({
      number: "5501C",
      receiver: {
        company: undefined,
        person: "Смирнова Анна Игоревна",
        phone: "+79000000000",
        town: "Тверь",
        zip: "170100",
        regionCode: undefined,
        address: "Советская, 3, кв. 12",
        date: "2026-12-02",
        timeMin: "10:00",
        timeMax: "14:00",
      },
      weight: 1.8,
      quantity: 1,
      codAmount: 4230,
      declaredValue: 3980,
      deliveryPrice: 250,
      payType: "CASH",
      serviceCode: 7,
      instruction: undefined,
      items: [{ name: "Настольная лампа", article: undefined, quantity: 2, mass: 0.9, retailPrice: 1990, vatRate: -1 }],
      packages: [{ mass: 1.8, length: 30, width: 20, height: 10, quantity: 1 }],
    });
  });

  it("sends a paid order without payment (withCod off) and a sender-paid delivery at no charge", () => {
    const m = mapSaveToOrder(
      parseSave(savePayload({}, { withCod: false, cod: 0, codPaymentType: undefined, payerType: "sender" })),
      RULES,
    );
    expect(m.order).toMatchObject({ codAmount: 0, payType: "NO", deliveryPrice: 0, declaredValue: 3980 });
  });

  it("collects nothing when the COD payment type is not among the chosen ones; card types become CARD", () => {
    const credit = mapSaveToOrder(
      parseSave(savePayload({}, { codPaymentType: { code: "credit", name: "Кредит" } })),
      RULES,
    );
    expect(credit.order).toMatchObject({ codAmount: 0, payType: "NO" });
    const none = mapSaveToOrder(parseSave(savePayload()), { ...RULES, codPaymentTypes: [] });
    expect(none.order).toMatchObject({ codAmount: 0, payType: "NO" });
    const card = mapSaveToOrder(
      parseSave(savePayload({}, { codPaymentType: { code: "bank-card", name: "Банковская карта" }, cod: "2240" })),
      RULES,
    );
    expect(card.order).toMatchObject({ codAmount: 2240, payType: "CARD" });
    // withCod without a payment type: the CRM decided to collect, so we do.
    const untyped = mapSaveToOrder(parseSave(savePayload({}, { codPaymentType: undefined })), RULES);
    expect(untyped.order).toMatchObject({ codAmount: 4230, payType: "CASH" });
  });

  it("makes two places of two packages with grams → kg and mm → cm; the weight is their sum", () => {
    const m = mapSaveToOrder(
      parseSave(
        savePayload({
          packages: [
            { packageId: "1", weight: 1250, length: 305, width: 200, height: 95, items: [item("ART-1")] },
            { packageId: "2", weight: "2500", length: "400", width: "300.4", height: "255", items: [item("ART-2")] },
          ],
        }),
      ),
      RULES,
    );
    expect(m.order.quantity).toBe(2);
    expect(m.order.weight).toBe(3.75);
    expect(m.order.packages).toEqual([
      { mass: 1.25, length: 30.5, width: 20, height: 9.5, quantity: 1 },
      { mass: 2.5, length: 40, width: 30, height: 25.5, quantity: 1 },
    ]);
    expect((m.order.items as unknown[]).length).toBe(2);
    expect(m.order.declaredValue).toBe(3980);
  });

  it("sends articles only when the client binds goods to the warehouse, preferring properties.article", () => {
    const payload = savePayload({
      packages: [
        {
          weight: 900,
          items: [
            item("ART-1"),
            item("ART-2", { properties: {}, xmlId: "XML-2", externalId: "EXT-2" }),
            item("ART-3", { properties: null, xmlId: null, externalId: "EXT-3" }),
            item("ART-4", { properties: [{ code: "article", value: "PROP-4" }] }),
          ],
        },
      ],
    });
    const off = mapSaveToOrder(parseSave(payload), RULES);
    expect((off.order.items as { article?: string }[]).map((i) => i.article)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const on = mapSaveToOrder(parseSave(payload), { ...RULES, useArticles: true });
    expect((on.order.items as { article?: string }[]).map((i) => i.article)).toEqual([
      "ART-1",
      "XML-2",
      "EXT-3",
      "PROP-4",
    ]);
  });

  it("takes items from save.items when there are no packages; an edit keeps the CRM's deliveryId", () => {
    const m = mapSaveToOrder(
      parseSave(
        savePayload({
          deliveryId: "KH-42",
          packages: [],
          items: [item("ART-1", { weight: 400, quantity: 3, vatRate: "20", cost: 500, declaredValue: 450 })],
        }),
      ),
      RULES,
    );
    expect(m.deliveryId).toBe("KH-42");
    expect(m.order).toMatchObject({ quantity: 1, weight: 1.2, declaredValue: 1350, packages: [] });
    expect(m.order.items).toEqual([
      { name: "Настольная лампа", article: undefined, quantity: 3, mass: 0.4, retailPrice: 500, vatRate: 20 },
    ]);
  });

  it("assembles the address from its parts, takes {number} phones, a legal receiver and a comment", () => {
    const m = mapSaveToOrder(
      parseSave(
        savePayload(
          {
            orderNumber: undefined,
            customer: {
              firstName: "Анна",
              phones: [{ number: "8 (916) 123-45-67" }, "+79000000000"],
              contragent: { type: "legal-entity", legalName: "ООО «Лампы»" },
            },
          },
          {
            deliveryAddress: {
              city: "Тверь",
              index: "170100",
              regionCode: "69",
              street: "Советская",
              building: "3",
              housing: "2",
              flat: "12",
              notes: "домофон 12",
            },
            deliveryDate: "2026-12-02 00:00:00",
            deliveryTime: { from: "9:00", to: "18:00:00" },
            extraData: { comment: "Позвонить за час" },
          },
        ),
      ),
      RULES,
    );
    expect(m.number).toBe("5501");
    expect(m.order.receiver).toEqual({
      company: "ООО «Лампы»",
      person: "Анна",
      phone: "8 (916) 123-45-67",
      town: "Тверь",
      zip: "170100",
      regionCode: "69",
      address: "Советская, 3, корп. 2, кв. 12",
      date: "2026-12-02",
      timeMin: "09:00",
      timeMax: "18:00",
    });
    expect(m.order.instruction).toBe("Позвонить за час; домофон 12");
  });

  it("invents nothing: an order without a customer, address, weights or prices leaves them undefined", () => {
    const m = mapSaveToOrder(parseSave({ order: 77, packages: [{ items: [{ name: "Коробка" }] }] }), RULES);
    expect(m).toMatchObject({ crmOrderId: "77", number: "77", deliveryId: null });
    expect(m.order.receiver).toEqual({
      company: undefined,
      person: undefined,
      phone: undefined,
      town: undefined,
      zip: undefined,
      regionCode: undefined,
      address: undefined,
      date: undefined,
      timeMin: undefined,
      timeMax: undefined,
    });
    expect(m.order).toMatchObject({ weight: undefined, codAmount: 0, payType: "NO", serviceCode: undefined });
    expect(m.order.items).toEqual([
      { name: "Коробка", article: undefined, quantity: undefined, mass: undefined, retailPrice: undefined },
    ]);
    expect(m.order.packages).toEqual([
      { mass: undefined, length: undefined, width: undefined, height: undefined, quantity: 1 },
    ]);
  });

  it("takes the tariff as our service code only when numeric and known; the default only when none is chosen", () => {
    const codes = new Set(["7", "12"]);
    const sc = (tariff: unknown, defaultTariff?: string) =>
      mapSaveToOrder(parseSave(savePayload({}, { tariff })), { ...RULES, defaultTariff, tariffCodes: codes }).order
        .serviceCode;
    expect(sc("12")).toBe(12);
    expect(sc(7)).toBe(7);
    expect(sc("99")).toBeUndefined();
    expect(sc("courier-day", "12")).toBeUndefined();
    expect(sc(null, "12")).toBe(12);
    expect(sc(undefined, "99")).toBeUndefined();
    expect(mapSaveToOrder(parseSave(savePayload({}, { tariff: "99" })), RULES).order.serviceCode).toBe(99);
  });
});

describe("calculate", () => {
  const calc = (patch: Record<string, unknown> = {}) =>
    calculateRequestSchema.parse({
      shipmentAddress: { city: "Москва", index: "101000", text: "Москва, Складская, 1" },
      deliveryAddress: { city: "Тверь", index: "170100", street: "Советская", building: "3" },
      packages: [
        { weight: 900, length: 250, width: 200, height: 80, items: [item("ART-1")] },
        { weight: "1100", length: 400, width: 300, height: 155, items: [] },
      ],
      declaredValue: 1990,
      cod: 1990,
      payerType: "receiver",
      currency: "RUB",
      ...patch,
    });

  it("takes the shipment city, the total weight and the largest package's sizes", () => {
    expect(calculateInput(calc(), { townFrom: "Санкт-Петербург" })).toEqual({
      townFrom: "Москва",
      townTo: "Тверь",
      zipTo: "170100",
      regionCodeTo: undefined,
      mass: 2,
      lengthCm: 40,
      widthCm: 30,
      heightCm: 15.5,
    });
  });

  it("falls back to the company's town without a shipment city; item weights without package weights", () => {
    const input = calculateInput(
      calc({
        shipmentAddress: null,
        packages: [{ items: [item("ART-1", { weight: 300, quantity: 2 }), item("ART-2", { weight: 250 })] }],
      }),
      { townFrom: "Санкт-Петербург" },
    );
    expect(input).toMatchObject({ townFrom: "Санкт-Петербург", mass: 0.85, lengthCm: undefined });
    expect(calculateInput(calc({ shipmentAddress: {} }), { townFrom: null }).townFrom).toBeUndefined();
  });

  it("answers the priced tariffs and the tariff list with our service codes as strings", () => {
    const result = {
      serviceCode: 7,
      serviceName: "Экспресс",
      price: 450,
      zone: 2,
      mass: 2.5,
      minDays: 1,
      maxDays: 2,
      townFrom: "Москва",
      townTo: "Тверь",
    };
    expect(calculateAnswer([result])).toEqual([
      {
        code: "7",
        name: "Экспресс",
        type: "courier",
        cost: 450,
        minTerm: 1,
        maxTerm: 2,
        description: "Москва — Тверь, расчётный вес 2,5 кг",
      },
    ]);
    expect(
      tariffListAnswer([
        { code: 1, name: "Стандарт" },
        { code: 7, name: "Экспресс" },
      ]),
    ).toEqual([
      { code: "1", name: "Стандарт", type: "courier" },
      { code: "7", name: "Экспресс", type: "courier" },
    ]);
  });
});

describe("trackingItems", () => {
  it("groups by delivery in time order, sends only mapped statuses in Moscow time with offset", () => {
    const { items, unmapped } = trackingItems(
      [
        { deliveryId: "KH-2", status: "NEW", track: "", at: new Date("2026-11-30T07:00:00Z") },
        { deliveryId: "KH-1", status: "DELIVERY", track: "KH0001", at: new Date("2026-11-30T10:15:30.500Z") },
        {
          deliveryId: "KH-1",
          status: "ACCEPTED",
          track: "5501C",
          at: new Date("2026-11-29T21:30:00Z"),
          comment: "Принят на складе",
        },
        { deliveryId: "KH-1", status: "AWAITING_SYNC", track: "KH0001", at: new Date("2026-11-29T20:00:00Z") },
        { deliveryId: "KH-3", status: "AWAITING_SYNC", track: "KH0003", at: new Date("2026-11-29T20:00:00Z") },
      ],
      DEFAULT_STATUS_MAP,
    );
    expect(unmapped).toEqual(["AWAITING_SYNC"]);
    expect(items).toEqual([
      {
        deliveryId: "KH-1",
        trackNumber: "KH0001",
        history: [
          { code: "accepted", updatedAt: "2026-11-30T00:30:00+03:00", comment: "Принят на складе" },
          { code: "courier", updatedAt: "2026-11-30T13:15:30+03:00", comment: expect.any(String) },
        ],
      },
      {
        deliveryId: "KH-2",
        trackNumber: "",
        history: [{ code: "new", updatedAt: "2026-11-30T10:00:00+03:00", comment: "Новый" }],
      },
    ]);
    for (const h of items.flatMap((i) => i.history)) {
      expect(h.updatedAt).toMatch(ISO_WITH_OFFSET);
      expect(h.updatedAt).toMatch(/\+03:00$/);
    }
  });

  it("honours a client's own map: a status mapped to nothing is reported, not sent", () => {
    const { items, unmapped } = trackingItems(
      [
        { deliveryId: "KH-1", status: "NEW", track: "T1", at: new Date("2026-11-30T07:00:00Z") },
        { deliveryId: "KH-1", status: "DELIVERY", track: "T1", at: new Date("2026-11-30T08:00:00Z") },
        { deliveryId: "KH-1", status: "DELIVERY", track: "T1", at: new Date("2026-11-30T09:00:00Z") },
      ],
      { NEW: "new" },
    );
    expect(items).toHaveLength(1);
    expect(items[0]!.history.map((h) => h.code)).toEqual(["new"]);
    expect(unmapped).toEqual(["DELIVERY"]);
  });
});

describe("getAnswer", () => {
  const view = {
    deliveryId: "KH-1",
    number: "5501C",
    barcode: "KH0001" as string | null,
    status: "DELIVERY",
    statusAt: new Date("2026-11-30T10:00:00Z"),
    deliveryPrice: 250 as number | null,
    serviceCode: 7 as number | null,
    receiver: {
      town: "Тверь",
      address: "Советская, 3, кв. 12",
      zip: "170100" as string | null,
      date: "2026-12-02" as string | null,
      timeMin: "10:00" as string | null,
      timeMax: "14:00" as string | null,
    },
  };

  it("answers the delivery as §5.4 describes it", () => {
    expect(getAnswer(view, DEFAULT_STATUS_MAP)).toEqual({
      trackNumber: "KH0001",
      status: { code: "courier", updatedAt: "2026-11-30T13:00:00+03:00", comment: expect.any(String) },
      deliveryDate: "2026-12-02",
      deliveryTime: { from: "10:00", to: "14:00" },
      tariff: "7",
      cost: 250,
      deliveryAddress: { city: "Тверь", index: "170100", text: "Советская, 3, кв. 12" },
    });
  });

  it("uses the order number without a barcode, omits an unmapped status code and empty fields", () => {
    const a = getAnswer(
      {
        ...view,
        barcode: null,
        status: "AWAITING_SYNC",
        deliveryPrice: null,
        serviceCode: null,
        receiver: { ...view.receiver, zip: null, date: null, timeMin: null, timeMax: null },
      },
      DEFAULT_STATUS_MAP,
    );
    expect(a).toEqual({
      trackNumber: "5501C",
      status: { updatedAt: "2026-11-30T13:00:00+03:00", comment: "Ожидает синхронизации" },
      deliveryAddress: { city: "Тверь", text: "Советская, 3, кв. 12" },
    });
  });
});

describe("printDeliveryIds", () => {
  it("accepts flat and nested id lists (and the raw JSON string), de-duplicating in order", () => {
    expect(printDeliveryIds({ type: "label", entityType: "order", deliveryIds: ["KH-1", "KH-2"] })).toEqual({
      type: "label",
      entityType: "order",
      deliveryIds: ["KH-1", "KH-2"],
    });
    expect(printDeliveryIds({ type: "label", entityType: "order", deliveryIds: [["101", "102"], [103]] })).toEqual({
      type: "label",
      entityType: "order",
      deliveryIds: ["101", "102", "103"],
    });
    expect(printDeliveryIds(JSON.stringify({ type: "act", deliveryIds: [["7", "7"]] }))).toEqual({
      type: "act",
      entityType: "order",
      deliveryIds: ["7"],
    });
  });

  it("refuses bad input with Russian messages", () => {
    expect(() => printDeliveryIds(null)).toThrow("Запрос печати: ожидается объект");
    expect(() => printDeliveryIds("{oops")).toThrow("Запрос печати: не JSON");
    expect(() => printDeliveryIds({ deliveryIds: ["1"] })).toThrow("не указан тип документа");
    expect(() => printDeliveryIds({ type: "label", deliveryIds: "1" })).toThrow("deliveryIds должен быть списком");
    expect(() => printDeliveryIds({ type: "label", deliveryIds: [[]] })).toThrow("нет доставок");
    expect(() => printDeliveryIds({ type: "label", deliveryIds: [{ id: 1 }] })).toThrow("не строка");
    expect(() => printDeliveryIds({ type: "label", entityType: 5, deliveryIds: ["1"] })).toThrow("entityType");
  });
});
