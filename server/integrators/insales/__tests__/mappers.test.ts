import { describe, expect, it } from "vitest";
import { mapInsalesOrder, type InsalesOrderJson } from "../mappers";

const SETTINGS = { prefix: "IS-", triggerStatus: "peredan-kurieru" };

function order(patch: Partial<InsalesOrderJson> = {}): InsalesOrderJson {
  return {
    id: 501,
    number: 1042,
    updated_at: "2026-11-30T12:00:00.123+03:00",
    total_price: "1750.0",
    items_price: "1500.0",
    delivery_price: "250.0",
    full_delivery_price: "250.0",
    delivery_date: "2026-12-02",
    delivery_from_hour: 10,
    delivery_to_hour: 14,
    financial_status: "pending",
    fulfillment_status: "accepted",
    custom_status: { permalink: "peredan-kurieru" },
    comment: "Позвонить за час",
    client: { name: "Пётр", surname: "Иванов", phone: "+79990000000" },
    shipping_address: {
      full_name: "Иванов Пётр",
      phone: "8 (916) 123-45-67",
      city: "Москва",
      zip: "101000",
      address: "ул. Тверская, д. 1, кв. 2",
    },
    order_lines: [
      { title: "Чайник", sku: "T-1", quantity: 2, sale_price: "500.0", weight: "1.25" },
      { title: "Кружка", sku: null, quantity: 1, sale_price: "500.0", weight: null },
    ],
    ...patch,
  };
}

describe("mapInsalesOrder", () => {
  it("maps an unpaid order: number with prefix, COD = total, receiver, date and hours, items", () => {
    const m = mapInsalesOrder(order(), SETTINGS);
    expect(m).toMatchObject({ partnerOrderId: "501", number: "IS-1042", ready: true, cancelled: false });
    expect(m.updatedAt).toBe("2026-11-30T12:00:00.123+03:00");
    expect(m.order).toMatchObject({
      number: "IS-1042",
      codAmount: 1750,
      declaredValue: 1500,
      deliveryPrice: 250,
      payType: "CASH",
      weight: 2.5,
      instruction: "Позвонить за час",
      receiver: {
        person: "Иванов Пётр",
        phone: "8 (916) 123-45-67",
        town: "Москва",
        zip: "101000",
        address: "ул. Тверская, д. 1, кв. 2",
        date: "2026-12-02",
        timeMin: "10:00",
        timeMax: "14:00",
      },
      items: [
        { name: "Чайник", article: "T-1", quantity: 2, mass: 1.25, retailPrice: 500 },
        { name: "Кружка", article: undefined, quantity: 1, mass: 0, retailPrice: 500 },
      ],
    });
  });

  it("a paid order carries no COD", () => {
    const m = mapInsalesOrder(order({ financial_status: "paid" }), SETTINGS);
    expect(m.order).toMatchObject({ codAmount: 0, payType: "NO" });
  });

  it("is ready only in the trigger status (custom permalink or system status)", () => {
    expect(mapInsalesOrder(order({ custom_status: { permalink: "new" } }), SETTINGS).ready).toBe(false);
    const system = { prefix: undefined, triggerStatus: "approved" };
    const m = mapInsalesOrder(order({ fulfillment_status: "approved", custom_status: { permalink: "x" } }), system);
    expect(m.ready).toBe(true);
    expect(m.number).toBe("1042");
  });

  it("a declined order is a cancellation", () => {
    const m = mapInsalesOrder(
      order({ fulfillment_status: "declined", custom_status: { permalink: "declined" } }),
      SETTINGS,
    );
    expect(m).toMatchObject({ cancelled: true, ready: false, shopStatus: "declined" });
  });

  it("falls back to the client card for a missing name and phone and leaves a missing phone missing", () => {
    const noAddressContacts = order({ shipping_address: { city: "Москва", address: "ул. Ленина, 5" } });
    expect(mapInsalesOrder(noAddressContacts, SETTINGS).order.receiver).toMatchObject({
      person: "Иванов Пётр",
      phone: "+79990000000",
    });
    const none = mapInsalesOrder({ ...noAddressContacts, client: { name: "Пётр" } }, SETTINGS);
    expect((none.order.receiver as Record<string, unknown>).phone).toBeUndefined();
  });

  it("takes the delivery interval when the hours are not given and keeps kopecks exact", () => {
    const m = mapInsalesOrder(
      order({
        delivery_from_hour: null,
        delivery_to_hour: null,
        delivery_interval: { from_hour: 18, to_hour: 24 },
        total_price: "0.3",
        order_lines: [{ title: "A", quantity: 3, sale_price: "0.1", weight: "0.1" }],
      }),
      SETTINGS,
    );
    expect(m.order.receiver).toMatchObject({ timeMin: "18:00", timeMax: "23:59" });
    expect(m.order).toMatchObject({ codAmount: 0.3, weight: 0.3 });
  });
});
