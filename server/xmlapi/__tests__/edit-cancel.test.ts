import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders } from "@/db/schema";
import { createClient, createOrders } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { getOrder } from "@/server/services/orders/get";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { apiTenant, order, writeCounts, xmlCall } from "./helpers";

describe("editorder", () => {
  it("replaces an order that is not yet in work and refuses one that is (53), unknown ones (52), bad auth (1)", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const created = await xmlCall(tx, `<neworder>${t.auth}${order("E-1")}${order("E-2")}</neworder>`);
      const [e1, e2] = created.doc.neworder.createorder;
      await setOrderStatus({ ctx: t.staffCtx, input: { id: Number(e2.ordercode), status: "ACCEPTED" } });
      const edited = order("E-1", "<instruction>Домофон 12</instruction>").replace(
        "<town>Москва</town>",
        "<town>Тверь</town>",
      );
      const { doc } = await xmlCall(tx, `<editorder>${t.auth}${edited}${order("E-2")}${order("E-404")}</editorder>`);
      expect(doc.editorder.createorder.map((c: { error: string }) => c.error)).toEqual(["0", "53", "52"]);
      const o = await getOrder({ ctx: t.staffCtx, input: { id: Number(e1.ordercode) } });
      expect([o.instruction, o.receiverTown, o.status]).toEqual(["Домофон 12", "Тверь", "NEW"]);
      const bad = await xmlCall(
        tx,
        `<editorder><auth extra="${t.company.extraCode}" login="${t.client.login}" pass="x"/>${edited}</editorder>`,
      );
      const authError = { error: "1", errormsg: "Authorization error", errormsgru: "Ошибка авторизации" };
      expect(bad.doc.editorder.createorder).toEqual([authError]);
      const invalid = await xmlCall(
        tx,
        `<editorder>${t.auth}${order("E-1").replace("<town>Москва</town>", "<town/>")}</editorder>`,
      );
      expect(invalid.doc.editorder.createorder[0].error).toBe("5");
    }));

  it("never edits another client's order", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const other = await createClient(tx, t.company.id);
      const [o] = await createOrders(tx, t.company.id, other.id, 1, { number: "THEIRS" });
      const { doc } = await xmlCall(
        tx,
        `<editorder>${t.auth}${order("THEIRS")}</editorder><!-- -->`.replace("<!-- -->", ""),
      );
      expect(doc.editorder.createorder[0].error).toBe("52");
      const [row] = await tx.select().from(orders).where(eq(orders.id, o!.id));
      expect(row!.receiverAddress).toBe("ул. Ленина, 1");
    }));
});

describe("cancelorder", () => {
  it("cancels by orderno, ordercode or a child <orderno>; 52 when not found; 53 once in work", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const created = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("C-1")}${order("C-2")}${order("C-3")}${order("C-4")}</neworder>`,
      );
      const codes = created.doc.neworder.createorder.map((c: { ordercode: string }) => c.ordercode);
      await setOrderStatus({ ctx: t.staffCtx, input: { id: Number(codes[3]), status: "DELIVERY" } });
      const { status, doc } = await xmlCall(
        tx,
        `<cancelorder>${t.auth}<order orderno="C-1"/><order ordercode="${codes[1]}"/><order><orderno>C-3</orderno></order><order orderno="C-404"/><order ordercode="abc"/><order orderno="C-4"/></cancelorder>`,
      );
      expect(status).toBe(200);
      expect(doc.cancelorder.order.map((o: { error: string }) => o.error)).toEqual(["0", "0", "0", "52", "52", "53"]);
      expect(doc.cancelorder.order[0]).toMatchObject({ orderno: "C-1", ordercode: codes[0], errormsg: "OK" });
      const o = await getOrder({ ctx: t.staffCtx, input: { id: Number(codes[0]) } });
      expect(o.status).toBe("CANCELED");
      expect(o.history.at(-1)).toMatchObject({ status: "CANCELED", source: "api", comment: "Отменён клиентом" });
      expect((await getOrder({ ctx: t.staffCtx, input: { id: Number(codes[3]) } })).status).toBe("DELIVERY");
    }));

  it("answers 25 at the root for wrong credentials and 24 without a login, changing nothing", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      await xmlCall(tx, `<neworder>${t.auth}${order("C-9")}</neworder>`);
      const before = await writeCounts(tx);
      const wrong = await xmlCall(
        tx,
        `<cancelorder><auth extra="${t.company.extraCode}" login="${t.client.login}" pass="nope"/><order orderno="C-9"/></cancelorder>`,
      );
      expect(wrong.doc.cancelorder).toMatchObject({ error: "25", errormsgru: "Ошибка авторизации" });
      const noLogin = await xmlCall(tx, `<cancelorder><order orderno="C-9"/></cancelorder>`);
      expect(noLogin.doc.cancelorder.error).toBe("24");
      const otherCompany = await xmlCall(
        tx,
        `<cancelorder><auth extra="999999999" login="${t.client.login}" pass="shop"/><order orderno="C-9"/></cancelorder>`,
      );
      expect(otherCompany.doc.cancelorder.error).toBe("25");
      expect(await writeCounts(tx)).toEqual(before);
    }));
});
