import { describe, expect, it } from "vitest";
import type { OutgoingOrder } from "../../types";
import { cdekWebhook } from "../client";
import {
  cdekDate,
  cdekErrors,
  cdekNumber,
  intlPhone,
  parseOrderInfo,
  planCdekOrder,
  type CdekDestination,
} from "../mappers";
import type { CdekSettings } from "../settings";

const settings: CdekSettings = {
  account: "a",
  securePassword: "s",
  testMode: false,
  contractType: "1",
  tariffCode: 136,
  shipmentPoint: "MSK1",
  quietPollMinutes: 30,
};
const moscow: CdekDestination = { countryCode: "RU", paymentLimit: 250_000, postamat: false };
const party = { company: null, person: "Смирнова Анна", phone: "8 (900) 123-45-67", town: "Москва", address: "ул. 1" };

function order(over: Partial<OutgoingOrder> = {}): OutgoingOrder {
  return {
    number: "ЗК-42",
    barcode: null,
    sender: { ...party, zip: null, date: null, timeMin: null, timeMax: null },
    receiver: { ...party, zip: null, regionCode: null, pvz: null, date: null, timeMin: null, timeMax: null },
    weight: 0.9,
    quantity: 1,
    clientCurrency: "RUB",
    payType: "CASH",
    serviceCode: null,
    codAmount: 2240,
    declaredValue: 1990,
    deliveryPrice: 250,
    enclosure: "Лампа",
    instruction: null,
    items: [
      { name: "Лампа", article: "SKU-9", barcode: null, quantity: 1, mass: 0.85, retailPrice: 1990, vatRate: null },
    ],
    packages: [{ barcode: null, mass: 0.9, length: 25, width: 20, height: 8, quantity: 1, message: null }],
    ...over,
  };
}

const problem = (p: ReturnType<typeof planCdekOrder>) => (p.ok ? null : p.problem);

describe("the CDEK order plan", () => {
  it("maps grams, centimetres, an international phone, COD per unit and the recipient's delivery fee", () => {
    const plan = planCdekOrder(order(), settings, moscow);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.request).toMatchObject({
      type: 1,
      number: "ZK-42",
      tariff_code: 136,
      shipment_point: "MSK1",
      recipient: { name: "Смирнова Анна", phones: [{ number: "+79001234567" }] },
      delivery_recipient_cost: { value: 250 },
      to_location: { city: "Москва", address: "ул. 1" },
      packages: [
        {
          number: "1",
          weight: 900,
          length: 25,
          width: 20,
          height: 8,
          items: [{ ware_key: "SKU-9", payment: { value: 1990 }, cost: 1990, weight: 850, amount: 1 }],
        },
      ],
    });
  });

  it("sends an order without place rows as one CDEK package and says so; places become packages", () => {
    const one = planCdekOrder(
      order({ packages: [], quantity: 3 }),
      { ...settings, defaultDimensions: "30x20x10" },
      moscow,
    );
    expect(one.ok && one.summary).toBe("одним местом СДЭК, 900 г (мест в заказе: 3; СДЭК не принимает их число)");
    const rows = order({
      packages: [
        { barcode: null, mass: 1, length: 10, width: 10, height: 10, quantity: 2, message: null },
        { barcode: null, mass: 2, length: 20, width: 20, height: 20, quantity: 1, message: null },
      ],
    });
    const many = planCdekOrder(rows, settings, moscow);
    expect(many.ok && (many.request.packages as unknown[]).length).toBe(3);
    expect(many.ok && many.summary).toBe("3 местами СДЭК по строкам мест заказа (3)");
  });

  it("refuses what CDEK would refuse later: sizes, postamat places and weight, 255 places", () => {
    expect(problem(planCdekOrder(order({ packages: [] }), settings, moscow))).toMatch(
      /СДЭК требует габариты .* мест 1/,
    );
    const twoPlaces = order({
      packages: [{ barcode: null, mass: 1, length: 10, width: 10, height: 10, quantity: 2, message: null }],
    });
    const postamat = { ...moscow, postamat: true };
    expect(problem(planCdekOrder(twoPlaces, settings, postamat))).toBe(
      "В постамат СДЭК принимает одно место, в заказе 2",
    );
    const heavy = order({
      packages: [{ barcode: null, mass: 16, length: 10, width: 10, height: 10, quantity: 1, message: null }],
    });
    expect(problem(planCdekOrder(heavy, settings, postamat))).toBe("Место в постамат СДЭК — не тяжелее 15 кг");
    const crowd = order({
      packages: [{ barcode: null, mass: 0.05, length: 1, width: 1, height: 1, quantity: 256, message: null }],
    });
    expect(problem(planCdekOrder(crowd, settings, moscow))).toBe("СДЭК принимает до 255 мест, в заказе 256");
  });

  it("holds COD in a currency other than the destination country's, with the seed's advice", () => {
    const almaty = { countryCode: "KZ", paymentLimit: null, postamat: false };
    expect(problem(planCdekOrder(order(), settings, almaty))).toBe(
      "Валюта клиента RUB не совпадает с валютой страны назначения KZ (KZT): заведите копию клиента с нужной валютой",
    );
    expect(planCdekOrder(order({ clientCurrency: "KZT" }), settings, almaty).ok).toBe(true);
    // Prepaid orders carry no COD, so no currency rule applies.
    expect(planCdekOrder(order({ payType: "NO" }), settings, almaty).ok).toBe(true);
  });

  it("holds COD above the destination city's limit and COD on a «доставка» contract", () => {
    expect(problem(planCdekOrder(order(), settings, { ...moscow, paymentLimit: 1000 }))).toBe(
      "Наложенный платёж 2240 больше предела СДЭК для города назначения (1000)",
    );
    expect(problem(planCdekOrder(order(), { ...settings, contractType: "2" }, moscow))).toMatch(
      /не принимает наложенный/,
    );
  });

  it("puts the whole COD on one line when the items do not add up to it", () => {
    const plan = planCdekOrder(order({ codAmount: 3000 }), settings, moscow);
    const items = plan.ok ? ((plan.request.packages as { items: unknown[] }[])[0]!.items as unknown[]) : [];
    expect(items).toEqual([expect.objectContaining({ name: "Лампа", payment: { value: 2750 }, amount: 1 })]);
  });
});

describe("CDEK shapes", () => {
  it("makes our number ASCII and at most 40 characters, the same every time", () => {
    expect(cdekNumber("Заказ №7")).toBe("Zakaz-N7");
    const long = "Ж".repeat(30);
    expect(cdekNumber(long)).toHaveLength(40);
    expect(cdekNumber(long)).toBe(cdekNumber(long));
    expect(cdekNumber(long)).not.toBe(cdekNumber(`${long}Ж`));
  });

  it("completes Russian phones to the international form and refuses what it cannot", () => {
    expect(intlPhone("89001234567")).toBe("+79001234567");
    expect(intlPhone("9001234567")).toBe("+79001234567");
    expect(intlPhone("+7 (900) 123-45-67, доб. 2")).toBe("+79001234567");
    expect(intlPhone("+375 29 123 45 67")).toBe("+375291234567");
    expect(intlPhone("12-34")).toBeNull();
  });

  it("reads both 400 shapes and an order with its statuses, barcodes and COD taken", () => {
    expect(cdekErrors({ errors: [{ code: "x", message: "m" }] })).toEqual([{ code: "x", message: "m" }]);
    expect(cdekErrors({ requests: [{ state: "INVALID", errors: [{ code: "y", message: "n" }] }] })).toEqual([
      { code: "y", message: "n" },
    ]);
    const info = parseOrderInfo({
      entity: {
        uuid: "u-1",
        cdek_number: "1234567890",
        statuses: [{ code: "DELIVERED ", name: "Вручен", date_time: "2026-11-30T10:00:00+0300", city: "Москва" }],
        packages: [{ barcode: "B1" }],
        delivery_detail: { payment_sum: 2000 },
      },
      requests: [{ type: "CREATE", state: "SUCCESSFUL" }],
    });
    expect(info).toMatchObject({ uuid: "u-1", cdekNumber: "1234567890", createState: "SUCCESSFUL", barcodes: ["B1"] });
    expect(info?.statuses[0]).toMatchObject({ code: "DELIVERED", dateTime: new Date("2026-11-30T07:00:00Z") });
    expect(info?.paymentSum).toBe(2000);
    expect(cdekDate("nonsense")).toBeNull();
  });

  it("turns an ORDER_STATUS webhook into a read-back of that order, its redelivery into the same id", () => {
    const body = JSON.stringify({
      type: "ORDER_STATUS",
      date_time: "2026-11-30T10:00:00+0300",
      uuid: "u-1",
      attributes: { code: "DELIVERED", status_date_time: "2026-11-30T10:00:00+0300", cdek_number: "1" },
    });
    const parsed = cdekWebhook.parse(body);
    expect(parsed?.events).toEqual([{ kind: "recheck", partnerRef: "u-1", claimedCode: "DELIVERED" }]);
    expect(cdekWebhook.parse(body)?.id).toBe(parsed?.id);
    expect(cdekWebhook.parse("{not json")).toBeNull();
    expect(cdekWebhook.parse(JSON.stringify({ type: "PRINT_FORM", uuid: "p" }))?.events).toEqual([]);
  });
});
