import { describe, expect, it } from "vitest";
import { withTestTransaction } from "@/db/test/helpers";
import { createClient, createOrders, createTenant, sampleOrder } from "@/db/test/factories";
import { createOrder } from "../orders/create";
import { getOrder } from "../orders/get";
import { listOrders } from "../orders/list";
import { setOrderStatus } from "../orders/set-status";
import { updateOrder } from "../orders/update";
import { eq } from "drizzle-orm";
import { apiSettings, clients } from "@/db/schema";
import { clearRequiredFieldsCache } from "../api-settings";
import { ServiceError } from "../errors";

describe("orders", () => {
  it("creates an order with items and a first history entry", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { id, number } = await createOrder({
        ctx: t.staffCtx,
        input: { clientId: t.client.id, ...sampleOrder({ number: "A-1" }) },
      });
      expect(number).toBe("A-1");
      const order = await getOrder({ ctx: t.staffCtx, input: { id } });
      expect(order.items).toHaveLength(1);
      expect(order.history.map((h) => [h.status, h.source])).toEqual([["NEW", "cabinet"]]);
      expect(order.clientName).toBe(t.client.name);
    }));

  it("generates a number when none is given and rejects a reused one with a field error", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const a = await createOrder({ ctx: t.staffCtx, input: { clientId: t.client.id, ...sampleOrder() } });
      expect(a.number).toMatch(/^\d{2}-\d{6}$/);
      const err = await createOrder({
        ctx: t.staffCtx,
        input: { clientId: t.client.id, ...sampleOrder({ number: a.number }) },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).code).toBe("CONFLICT");
      expect((err as ServiceError).fieldErrors?.number?.[0]).toMatch(/уже есть/);
    }));

  it("reports missing receiver fields at the fields", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const err = await createOrder({
        ctx: t.staffCtx,
        input: { clientId: t.client.id, receiver: { town: "Москва" } },
      }).catch((e: unknown) => e);
      const paths = (err as { issues: { path: (string | number)[] }[] }).issues.map((i) => i.path.join("."));
      expect(paths).toEqual(expect.arrayContaining(["receiver.person", "receiver.phone", "receiver.address"]));
    }));

  it("pages with a keyset cursor without gaps or repeats", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await createOrders(tx, t.company.id, t.client.id, 25);
      const seen: number[] = [];
      let cursor: number | undefined;
      for (;;) {
        const page = await listOrders({ ctx: t.staffCtx, input: { limit: 10, cursor } });
        seen.push(...page.items.map((o) => o.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    }));

  it("filters by status, client and number prefix", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o1] = await createOrders(tx, t.company.id, t.client.id, 3);
      await setOrderStatus({ ctx: t.staffCtx, input: { id: o1!.id, status: "DELIVERY" } });
      expect((await listOrders({ ctx: t.staffCtx, input: { status: "DELIVERY" } })).items.map((o) => o.id)).toEqual([
        o1!.id,
      ]);
      expect(
        (await listOrders({ ctx: t.staffCtx, input: { search: o1!.number.slice(0, 5) } })).items.length,
      ).toBeGreaterThanOrEqual(1);
      expect((await listOrders({ ctx: t.staffCtx, input: { search: "нет-такого" } })).items).toHaveLength(0);
    }));

  it("lets a client see and create only its own orders", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const otherClient = await createClient(tx, t.company.id);
      const other = await createOrders(tx, t.company.id, otherClient.id, 2);
      const own = await createOrder({ ctx: t.clientCtx, input: { clientId: 999999, ...sampleOrder() } });
      const listed = await listOrders({ ctx: t.clientCtx, input: {} });
      expect(listed.items.map((o) => o.id)).toEqual([own.id]);
      await expect(getOrder({ ctx: t.clientCtx, input: { id: other[0]!.id } })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }));

  it("keeps a client from editing an order already in work", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const own = await createOrder({ ctx: t.clientCtx, input: sampleOrder() });
      await updateOrder({
        ctx: t.clientCtx,
        input: { id: own.id, ...sampleOrder({ instruction: "Позвонить заранее" }) },
      });
      expect((await getOrder({ ctx: t.clientCtx, input: { id: own.id } })).instruction).toBe("Позвонить заранее");
      await setOrderStatus({ ctx: t.staffCtx, input: { id: own.id, status: "ACCEPTED" } });
      await expect(updateOrder({ ctx: t.clientCtx, input: { id: own.id, ...sampleOrder() } })).rejects.toMatchObject({
        code: "CONFLICT",
      });
    }));

  it("refuses to rewrite status history", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      const err = await tx
        .transaction((sp) => sp.execute(`update order_status_history set status = 'LOST' where order_id = ${o!.id}`))
        .catch((e: unknown) => e);
      expect(String((err as { cause?: Error }).cause?.message)).toMatch(/append-only/);
    }));

  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const receiver = sampleOrder().receiver;

  // The cabinet's form runs the XML API's checks and refuses what is absurd, each at its field, in Russian.
  it.each([
    ["a phone that is not a phone", { receiver: { ...receiver, phone: "123" } }, "receiver.phone", /Телефон/],
    ["zero weight", { weight: 0 }, "weight", /больше нуля/],
    ["negative weight", { weight: -1 }, "weight", /отрицательн/],
    ["a pickup date of 1900", { sender: { date: "1900-01-01" } }, "sender.date", /в прошлом/],
    ["a delivery date of 2999", { receiver: { ...receiver, date: "2999-01-01" } }, "receiver.date", /в будущем/],
    [
      "delivery before pickup",
      { sender: { date: day(3) }, receiver: { ...receiver, date: day(1) } },
      "receiver.date",
      /раньше даты забора/,
    ],
    [
      "a time window that ends before it starts",
      { sender: { timeMin: "18:00", timeMax: "09:00" } },
      "sender.timeMax",
      /раньше/,
    ],
    ["no receiver town", { receiver: { ...receiver, town: "" } }, "receiver.town", /город получателя/i],
  ])("refuses %s at its field", (_name, overrides, field, message) =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const err = await createOrder({
        ctx: t.staffCtx,
        input: { clientId: t.client.id, ...sampleOrder(overrides) },
      }).catch((e: unknown) => e);
      const issues =
        err instanceof ServiceError
          ? Object.entries(err.fieldErrors ?? {}).flatMap(([k, m]) => m.map((x) => [k, x]))
          : (err as { issues: { path: string[]; message: string }[] }).issues.map((i) => [i.path.join("."), i.message]);
      expect(issues.filter(([k]) => k === field).map(([, m]) => m)).toContainEqual(expect.stringMatching(message));
    }),
  );

  it("checks reference towns and required fields like the XML API, after filling the sender from the client card", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await tx
        .insert(apiSettings)
        .values({ companyId: t.company.id, strictTowns: true, requiredFields: ["sender.person", "sender.address"] });
      clearRequiredFieldsCache();
      const input = { clientId: t.client.id, ...sampleOrder({ receiver: { ...receiver, town: "Атлантида" } }) };
      const err = (await createOrder({ ctx: t.staffCtx, input }).catch((e: unknown) => e)) as ServiceError;
      expect(Object.keys(err.fieldErrors ?? {}).sort()).toEqual(["receiver.town", "sender.address", "sender.person"]);

      const [card] = await tx
        .update(clients)
        .set({ contactPerson: "Ирина", phone: "8 (495) 123-45-67", address: "ул. Тверская, 1" })
        .where(eq(clients.id, t.client.id))
        .returning();
      const { id } = await createOrder({
        ctx: t.staffCtx,
        input: { ...input, ...sampleOrder({ receiver: { ...receiver, phone: "8 900 123 45 67" } }) },
      });
      const o = await getOrder({ ctx: t.staffCtx, input: { id } });
      expect([o.senderCompany, o.senderPerson, o.senderPhone, o.senderAddress]).toEqual([
        card!.name,
        "Ирина",
        "+74951234567",
        "ул. Тверская, 1",
      ]);
      expect(o.receiverPhone).toBe("+79001234567");
      // What the form says wins over the card; an international number keeps its own code.
      const own = await createOrder({
        ctx: t.staffCtx,
        input: { ...input, ...sampleOrder({ sender: { person: "Пётр", phone: "+44 20 7946 0958" } }) },
      });
      const o2 = await getOrder({ ctx: t.staffCtx, input: { id: own.id } });
      expect([o2.senderPerson, o2.senderPhone]).toEqual(["Пётр", "+442079460958"]);
    }));
});
