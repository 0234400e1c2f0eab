import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiSettings, orderExtras, orders } from "@/db/schema";
import { createStaff } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { getOrder } from "@/server/services/orders/get";
import { listOrders } from "@/server/services/orders/list";
import { apiTenant, order, writeCounts, xmlCall } from "./helpers";

// Pickup and delivery dates must be within a year of today (the sane window), so the fixture's are relative to it.
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PICKUP = day(1);
const DELIVERY = day(2);

describe("neworder", () => {
  it("creates several orders with every field, items and packages, visible in the cabinet with source api", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const full = `
        <order orderno="A-17">
          <barcode>A-17-BC</barcode><department>Склад 2</department>
          <sender><company>ООО &quot;Ромашка&quot;</company><person>Пётр</person><phone>+7 495 000</phone><town>Москва</town>
            <address>ул. Тверская, 1</address><date>${PICKUP}</date><time_min>09:00</time_min><time_max>17:00</time_max></sender>
          <receiver><company>ИП Сидоров</company><person>Сидоров</person><phone>+7 900 1</phone><zipcode>170000</zipcode>
            <town regioncode="69">Тверь</town><address>пр. Мира, д. 3</address><pvz/><date>${DELIVERY}</date><time_min>12:00</time_min><time_max>16:00</time_max></receiver>
          <weight>0.8</weight><quantity>2</quantity><paytype code="2">CARD</paytype><service>1</service>
          <price>1990</price><deliveryprice>250</deliveryprice><inshprice>1990</inshprice>
          <receiverpays>YES</receiverpays><discount>5</discount><pickup>NO</pickup><acceptpartially>YES</acceptpartially>
          <enclosure>Лампа</enclosure><instruction>Позвонить &lt;за час&gt;</instruction>
          <deliveryset above_price="100" return_price="50"><below below_sum="500" price="200"/></deliveryset>
          <items><item article="SKU-9" barcode="4600" quantity="1" mass="0.8" retprice="1990" VATrate="20" extcode="X1">Лампа</item></items>
          <packages><package strbarcode="A-17-1" mass="0.5" length="20" width="15" height="10" message="хрупкое"/><package strbarcode="A-17-2" mass="0.3"/></packages>
        </order>`;
      // <auth> last, a top-level CMS <sender> that is not the shipper, and several orders per request.
      const { status, doc } = await xmlCall(
        tx,
        `<?xml version="1.0" encoding="UTF-8"?><neworder newfolder="NO"><sender type="4" module="bitrix" module_version="1"/>${full}${order("A-18")}${t.auth}</neworder>`,
      );
      expect(status).toBe(200);
      const [a, b] = doc.neworder.createorder;
      expect(a).toMatchObject({
        orderno: "A-17",
        barcode: "A-17-BC",
        error: "0",
        errormsg: "Success",
        orderprice: "2240",
      });
      expect(b).toMatchObject({ orderno: "A-18", error: "0", orderprice: "1250" });

      const o = await getOrder({ ctx: t.staffCtx, input: { id: Number(a.ordercode) } });
      expect(o).toMatchObject({
        number: "A-17",
        barcode: "A-17-BC",
        department: "Склад 2",
        senderCompany: 'ООО "Ромашка"',
        senderTown: "Москва",
        senderDate: PICKUP,
        senderTimeMin: "09:00",
        receiverCompany: "ИП Сидоров",
        receiverTown: "Тверь",
        receiverRegionCode: "69",
        receiverZip: "170000",
        receiverPvz: null,
        weight: "0.800",
        quantity: 2,
        payType: "CARD",
        serviceCode: 1,
        codAmount: "1990.00",
        declaredValue: "1990.00",
        deliveryPrice: "250.00",
        instruction: "Позвонить <за час>",
        clientId: t.client.id,
        source: "api",
      });
      expect(o.items).toMatchObject([
        { name: "Лампа", article: "SKU-9", barcode: "4600", vatRate: 20, retailPrice: "1990.00" },
      ]);
      expect(o.packages.map((p) => [p.barcode, p.message])).toEqual([
        ["A-17-1", "хрупкое"],
        ["A-17-2", null],
      ]);
      expect(o.history.map((h) => [h.status, h.source])).toEqual([["NEW", "api"]]);
      const [extras] = await tx.select().from(orderExtras).where(eq(orderExtras.orderId, o.id));
      expect(extras!.data).toMatchObject({
        receiverpays: "YES",
        discount: "5",
        pickup: "NO",
        acceptpartially: "YES",
        newfolder: "NO",
        items: [{ extcode: "X1" }],
        deliveryset: { above_price: "100", below: [{ below_sum: "500", price: "200" }] },
      });
      // The cabinet's own list shows them at once.
      expect((await listOrders({ ctx: t.staffCtx, input: {} })).items.map((x) => x.number).sort()).toEqual([
        "A-17",
        "A-18",
      ]);
    }));

  it("generates a number for an empty orderno", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const { doc } = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("")}<order><receiver><person>П</person><phone>1</phone><town>Тверь</town><address>ул. А, 1</address></receiver></order></neworder>`,
      );
      const [a, b] = doc.neworder.createorder;
      expect(a.error).toBe("0");
      expect(a.orderno).toMatch(/^\d{2}-\d{6}$/);
      expect(b.orderno).toMatch(/^\d{2}-\d{6}$/);
      expect(a.orderno).not.toBe(b.orderno);
    }));

  it("answers 17 for a number already used this year, in the database or earlier in the same request, and writes nothing for it", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      await xmlCall(tx, `<neworder>${t.auth}${order("DUP-1")}</neworder>`);
      const before = await writeCounts(tx);
      const { doc } = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("DUP-1")}${order("NEW-2")}${order("NEW-2")}</neworder>`,
      );
      expect(doc.neworder.createorder.map((c: { error: string }) => c.error)).toEqual(["17", "0", "17"]);
      expect(doc.neworder.createorder[0].errormsgru).toMatch(/уже существует/);
      const after = await writeCounts(tx);
      expect(after.orders - before.orders).toBe(1);
      const dup = await tx
        .select()
        .from(orders)
        .where(and(eq(orders.companyId, t.company.id), eq(orders.number, "DUP-1")));
      expect(dup).toHaveLength(1);
    }));

  it.each([
    ["3 bad amount", order("E", "").replace("<price>1000</price>", "<price>-5</price>"), 3],
    ["4 bad weight", order("E").replace("<weight>1.2</weight>", "<weight>тяжёлый</weight>"), 4],
    ["5 receiver town not found", order("E").replace("<town>Москва</town>", "<town>Атлантида</town>"), 5],
    ["5 receiver town missing", order("E").replace("<town>Москва</town>", "<town/>"), 5],
    ["6 sender town not found", order("E", "<sender><town>Шамбала</town></sender>"), 6],
    ["7 receiver address empty", order("E").replace("<address>ул. Ленина, д. 1</address>", "<address/>"), 7],
    ["8 receiver phone empty", order("E").replace("<phone>+7 900 000-00-00</phone>", "<phone></phone>"), 8],
    ["9 receiver contact empty", order("E").replace("<person>Иванов Иван</person>", ""), 9],
    ["11 bad declared value", order("E", "<inshprice>много</inshprice>"), 11],
    ["99 bad date (no MeaSoft code)", order("E", "", "<date>31.12.2025</date>"), 99],
    ["99 OPTION cannot be sent", order("E", "<paytype>OPTION</paytype>"), 99],
    ["99 a date of 1900", order("E", "", "<date>1900-01-01</date>"), 99],
    ["99 a date of 2999", order("E", "<sender><date>2999-01-01</date></sender>"), 99],
    [
      "99 delivery before pickup",
      order("E", `<sender><date>${DELIVERY}</date></sender>`, `<date>${PICKUP}</date>`),
      99,
    ],
    [
      "99 a time window that ends before it starts",
      order("E", "", "<time_min>18:00</time_min><time_max>09:00</time_max>"),
      99,
    ],
  ])("answers %s", (_name, body, code) =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      // Town codes 5 and 6 apply to a company that asks for reference towns only.
      await tx.insert(apiSettings).values({ companyId: t.company.id, strictTowns: true });
      const before = await writeCounts(tx);
      const { doc } = await xmlCall(tx, `<neworder>${t.auth}${body}</neworder>`);
      expect(doc.neworder.createorder[0].error).toBe(String(code));
      expect(doc.neworder.createorder[0].errormsgru).toBeTruthy();
      expect(await writeCounts(tx)).toEqual(before);
    }),
  );

  it("stores a town missing from the reference as typed unless the company asks for reference towns", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const { doc } = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("VIL-1").replace("<town>Москва</town>", "<town>д. Малые Вишеры</town>")}</neworder>`,
      );
      expect(doc.neworder.createorder[0].error).toBe("0");
      const [row] = await tx
        .select({ town: orders.receiverTown })
        .from(orders)
        .where(and(eq(orders.companyId, t.company.id), eq(orders.number, "VIL-1")));
      expect(row!.town).toBe("д. Малые Вишеры");
    }));

  it("answers 10 and 13–16 when the company requires those fields", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      await tx.insert(apiSettings).values({
        companyId: t.company.id,
        requiredFields: ["receiver.company", "sender.company", "sender.person", "sender.phone", "sender.address"],
      });
      const sender = (fields: Record<string, string>) =>
        `<sender>${Object.entries(fields)
          .map(([k, v]) => `<${k}>${v}</${k}>`)
          .join("")}</sender>`;
      const all = { company: "ООО", person: "П", phone: "1", address: "ул. Б, 1" };
      const without = (k: string) => Object.fromEntries(Object.entries(all).filter(([x]) => x !== k));
      const withCompany = (extra: string) => order("R", extra, "<company>ООО Получатель</company>");
      const { doc } = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("R0", sender(all))}${withCompany(sender(without("company")))}${withCompany(sender(without("person")))}${withCompany(sender(without("phone")))}${withCompany(sender(without("address")))}${withCompany(sender(all))}</neworder>`,
      );
      expect(doc.neworder.createorder.map((c: { error: string }) => Number(c.error))).toEqual([10, 13, 14, 15, 16, 0]);
    }));

  it("answers 2 for a request without orders and one code 1 when <auth> fails", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const empty = await xmlCall(tx, `<neworder>${t.auth}</neworder>`);
      expect(empty.doc.neworder.createorder[0].error).toBe("2");
      const before = await writeCounts(tx);
      const bad = await xmlCall(
        tx,
        `<neworder><auth extra="${t.company.extraCode}" login="${t.client.login}" pass="wrong"/>${order("X1")}${order("X2")}</neworder>`,
      );
      // One answer for the request, not one per order: the orders are never looked at (§2, §6.1 code 1).
      const authError = { error: "1", errormsg: "Authorization error", errormsgru: "Ошибка авторизации" };
      expect(bad.doc.neworder.createorder).toEqual([authError]);
      const none = await xmlCall(tx, `<neworder>${order("X3")}</neworder>`);
      expect(none.doc.neworder.createorder[0].error).toBe("1");
      expect(await writeCounts(tx)).toEqual(before);
    }));

  it("lets staff act for one of the company's clients with clientcode", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const staff = await createStaff(tx, t.company.id, { login: "dispatcher", password: "pw" });
      const { doc } = await xmlCall(
        tx,
        `<neworder><auth extra="${t.company.extraCode}" login="${staff.login}" pass="pw" clientcode="${t.client.id}"/>${order("S-1")}</neworder>`,
      );
      expect(doc.neworder.createorder[0].error).toBe("0");
      const [o] = await tx
        .select()
        .from(orders)
        .where(eq(orders.id, Number(doc.neworder.createorder[0].ordercode)));
      expect(o!.clientId).toBe(t.client.id);
      const without = await xmlCall(
        tx,
        `<neworder><auth extra="${t.company.extraCode}" login="${staff.login}" pass="pw"/>${order("S-2")}</neworder>`,
      );
      expect(without.doc.neworder.createorder[0].error).toBe("1");
    }));

  it("accepts a town with a child regioncode and empty elements for unset fields", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const body = `<neworder>${t.auth}<order orderno="K-1"><barcode/><sender><company/><town/></sender><receiver><person>П</person><phone>1</phone><town>Киров<regioncode>40</regioncode></town><address>ул. Ленина, 1</address><pvz></pvz><date/></receiver><weight/><quantity/><price/><inshprice/><paytype/><service/><items/><packages/></order></neworder>`;
      const { doc } = await xmlCall(tx, body);
      expect(doc.neworder.createorder[0]).toMatchObject({ error: "0", orderno: "K-1" });
      const [o] = await tx
        .select()
        .from(orders)
        .where(eq(orders.id, Number(doc.neworder.createorder[0].ordercode)));
      // Киров of the Kaluga region (40), not the bigger Киров (43), because the region code says so.
      expect(o).toMatchObject({
        receiverTown: "Киров",
        receiverRegionCode: "40",
        weight: "0.000",
        quantity: 1,
        payType: "CASH",
        barcode: null,
        senderTown: null,
      });
    }));
});
