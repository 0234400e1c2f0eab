import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { branches, orders } from "@/db/schema";
import { createBranch, createClient, createOrders } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { getOrder } from "@/server/services/orders/get";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { apiTenant, order, xmlCall } from "./helpers";

describe("statusreq", () => {
  it("returns status, history, items, packages, delivery price and partner, filtered by orderno and ordercode", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const created = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("S-1", '<items><item quantity="2" mass="0.5" retprice="500" VATrate="20">Книга</item></items><packages><package strbarcode="S-1-1" mass="1"/></packages>')}${order("S-2")}</neworder>`,
      );
      const code = Number(created.doc.neworder.createorder[0].ordercode);
      await setOrderStatus({
        ctx: t.staffCtx,
        input: { id: code, status: "ACCEPTED", eventTime: new Date("2025-06-03T11:05:00Z") },
      });
      await tx.update(orders).set({ responsibleBranchId: t.branch.id }).where(eq(orders.id, code));

      const { doc } = await xmlCall(tx, `<statusreq>${t.auth}<orderno>S-1</orderno></statusreq>`);
      expect(doc.statusreq.count).toBe("1");
      const o = doc.statusreq.order[0];
      expect(o).toMatchObject({
        orderno: "S-1",
        ordercode: String(code),
        weight: "1.2",
        price: "1000",
        paytype: "CASH",
      });
      expect(o.status).toMatchObject({
        "#text": "ACCEPTED",
        eventtime: "2025-06-03 14:05:00",
        title: "Принят на склад",
      });
      expect(o.statushistory.status.map((s: { "#text": string; source: string }) => [s["#text"], s.source])).toEqual([
        ["NEW", "api"],
        ["ACCEPTED", "cabinet"],
      ]);
      expect(o.items.item[0]).toMatchObject({ "#text": "Книга", quantity: "2", retprice: "500", VATrate: "20" });
      expect(o.packages.package[0]).toMatchObject({ strbarcode: "S-1-1", mass: "1" });
      expect(o.deliveryprice).toMatchObject({ total: "250", delivery: "250" });
      expect(o.partner).toMatchObject({ code: t.branch.code, "#text": t.branch.name });
      expect(o.receiver.town).toMatchObject({ "#text": "Москва", regioncode: "77" });

      const byCode = await xmlCall(tx, `<statusreq>${t.auth}<ordercode>${code}</ordercode></statusreq>`);
      expect(byCode.doc.statusreq.order.map((x: { orderno: string }) => x.orderno)).toEqual(["S-1"]);
      const none = await xmlCall(tx, `<statusreq>${t.auth}<orderno>NOPE</orderno></statusreq>`);
      expect(none.doc.statusreq.count).toBe("0");
    }));

  it("filters by date range and done, and only ever shows the account's own orders", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const other = await createClient(tx, t.company.id);
      await createOrders(tx, t.company.id, other.id, 2);
      const created = await xmlCall(tx, `<neworder>${t.auth}${order("D-1")}${order("D-2")}${order("D-3")}</neworder>`);
      const [d1, d2, d3] = created.doc.neworder.createorder.map((c: { ordercode: string }) => Number(c.ordercode));
      await setOrderStatus({ ctx: t.staffCtx, input: { id: d1, status: "COMPLETE" } });
      await setOrderStatus({ ctx: t.staffCtx, input: { id: d2, status: "LOST" } });
      await setOrderStatus({ ctx: t.staffCtx, input: { id: d3, status: "DELIVERY" } });
      await tx
        .update(orders)
        .set({ createdAt: new Date("2024-01-10T10:00:00Z") })
        .where(eq(orders.id, d3));
      const q = async (filters: string) => {
        const { doc } = await xmlCall(tx, `<statusreq>${t.auth}${filters}</statusreq>`);
        return (doc.statusreq.order ?? []).map((o: { orderno: string }) => o.orderno).sort();
      };
      expect(await q("")).toEqual(["D-1", "D-2", "D-3"]);
      expect(await q("<done>ONLY_DONE</done>")).toEqual(["D-1"]);
      expect(await q("<done>ONLY_NOT_DONE</done>")).toEqual(["D-2"]);
      expect(await q("<done>ONLY_DELIVERY</done>")).toEqual(["D-3"]);
      expect(await q("<done>ONLY_NEW</done>")).toEqual([]);
      expect(await q("<datefrom>2024-01-01</datefrom><dateto>2024-01-31</dateto>")).toEqual(["D-3"]);
      expect(await q("<client>CLIENT</client><conditions><namestarts>D-</namestarts></conditions>")).toEqual([
        "D-1",
        "D-2",
        "D-3",
      ]);
      const bad = await xmlCall(tx, `<statusreq>${t.auth}<datefrom>01.01.2024</datefrom></statusreq>`);
      expect(bad.doc.statusreq.error).toBe("12");
      const badStream = await xmlCall(
        tx,
        `<statusreq>${t.auth}<changes>ONLY_LAST</changes><streamid>99</streamid></statusreq>`,
      );
      expect(badStream.doc.statusreq.error).toBe("34");
      const noAuth = await xmlCall(tx, `<statusreq><orderno>D-1</orderno></statusreq>`);
      expect(noAuth.doc.statusreq.error).toBe("24");
    }));

  it("client=AGENT lists the orders whose responsible branch is linked to the partner's account", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const agent = await createClient(tx, t.company.id, {
        name: "Бета (агент)",
        kind: "courier",
        login: "beta-agent",
        password: "beta",
      });
      const partnerBranch = await createBranch(tx, t.company.id, {
        name: "Бета Экспресс (Новосибирск)",
        town: "Новосибирск",
        agentClientId: agent.id,
      });
      const [handed, kept] = await createOrders(tx, t.company.id, t.client.id, 2);
      await tx.update(orders).set({ responsibleBranchId: partnerBranch.id }).where(eq(orders.id, handed!.id));
      await tx.update(orders).set({ responsibleBranchId: t.branch.id }).where(eq(orders.id, kept!.id));
      const agentAuth = `<auth extra="${t.company.extraCode}" login="beta-agent" pass="beta"/>`;
      const { doc } = await xmlCall(tx, `<statusreq>${agentAuth}<client>AGENT</client></statusreq>`);
      expect(doc.statusreq.order.map((o: { ordercode: string }) => Number(o.ordercode))).toEqual([handed!.id]);
      expect(
        (await xmlCall(tx, `<statusreq>${agentAuth}<clients>AGENTS</clients></statusreq>`)).doc.statusreq.count,
      ).toBe("1");
      // As a client the partner account has sent nothing.
      expect(
        (await xmlCall(tx, `<statusreq>${agentAuth}<client>CLIENT</client></statusreq>`)).doc.statusreq.count,
      ).toBe("0");
      // The branch link is what hands work over: unlink it and the partner sees nothing.
      await tx.update(branches).set({ agentClientId: null }).where(eq(branches.id, partnerBranch.id));
      expect((await xmlCall(tx, `<statusreq>${agentAuth}<client>AGENT</client></statusreq>`)).doc.statusreq.count).toBe(
        "0",
      );
    }));
});

describe("setorderinfo", () => {
  it("lets the partner post status, event time and message for orders handed to it, and nothing else", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const agent = await createClient(tx, t.company.id, { kind: "courier", login: "agent-x", password: "a" });
      const partnerBranch = await createBranch(tx, t.company.id, { agentClientId: agent.id });
      const [handed, notHanded] = await createOrders(tx, t.company.id, t.client.id, 2);
      await tx.update(orders).set({ responsibleBranchId: partnerBranch.id }).where(eq(orders.id, handed!.id));
      const auth = `<auth extra="${t.company.extraCode}" login="agent-x" pass="a"/>`;
      const { doc } = await xmlCall(
        tx,
        `<setorderinfo>${auth}
          <order ordercode="${handed!.id}"><status>DELIVERY</status><eventtime>2025-06-03 10:20:00</eventtime><message>Выдан курьеру Пете</message><image filename="pod.jpg">AAAA</image></order>
          <order ordercode="${notHanded!.id}"><status>COMPLETE</status><eventtime>2025-06-03 10:20:00</eventtime></order>
          <order ordercode="${handed!.id}"><status>COMPLETE</status></order>
          <order ordercode="${handed!.id}"><status>COMPLETE</status><eventtime>03.06.2025</eventtime></order>
          <order ordercode="${handed!.id}"><status>TELEPORTED</status><eventtime>2025-06-03 11:00:00</eventtime></order>
        </setorderinfo>`,
      );
      expect(doc.setorderinfo.order.map((o: { error: string }) => o.error)).toEqual(["0", "52", "12", "12", "99"]);
      const o = await getOrder({ ctx: t.staffCtx, input: { id: handed!.id } });
      expect(o.status).toBe("DELIVERY");
      expect(o.statusAt.toISOString()).toBe("2025-06-03T07:20:00.000Z");
      expect(o.history.at(-1)).toMatchObject({ status: "DELIVERY", source: "agent", comment: "Выдан курьеру Пете" });
      expect((await getOrder({ ctx: t.staffCtx, input: { id: notHanded!.id } })).status).toBe("NEW");
      // The older attribute form.
      const old = await xmlCall(
        tx,
        `<setorderinfo>${auth}<order ordercode="${handed!.id}" date="2025-06-03" time="12:00" message="Доставлен"><status>COMPLETE</status></order></setorderinfo>`,
      );
      expect(old.doc.setorderinfo.order[0].error).toBe("0");
      expect((await getOrder({ ctx: t.staffCtx, input: { id: handed!.id } })).status).toBe("COMPLETE");
      // A shop account is not the partner: the order is not found for it.
      const shop = await xmlCall(
        tx,
        `<setorderinfo>${t.auth}<order ordercode="${handed!.id}"><status>LOST</status><eventtime>2025-06-04 10:00</eventtime></order></setorderinfo>`,
      );
      expect(shop.doc.setorderinfo.order[0].error).toBe("52");
    }));

  it("never reopens a final order with a late non-final status: the event is kept in the history only", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const agent = await createClient(tx, t.company.id, { kind: "courier", login: "agent-y", password: "a" });
      const partnerBranch = await createBranch(tx, t.company.id, { agentClientId: agent.id });
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      await tx.update(orders).set({ responsibleBranchId: partnerBranch.id }).where(eq(orders.id, o!.id));
      const auth = `<auth extra="${t.company.extraCode}" login="agent-y" pass="a"/>`;
      const post = (status: string, time: string) =>
        xmlCall(
          tx,
          `<setorderinfo>${auth}<order ordercode="${o!.id}"><status>${status}</status><eventtime>${time}</eventtime></order></setorderinfo>`,
        );
      await post("COMPLETE", "2025-06-03 14:00:00");
      const late = await post("DELIVERY", "2025-06-03 10:00:00");
      expect(late.doc.setorderinfo.order[0]).toMatchObject({ error: "0", status: "COMPLETE" });
      const after = await getOrder({ ctx: t.staffCtx, input: { id: o!.id } });
      expect(after.status).toBe("COMPLETE");
      expect(after.history.map((h) => h.status)).toEqual(["NEW", "COMPLETE", "DELIVERY"]);
      // A final status after a final one is a correction and does apply.
      await post("CANCELED", "2025-06-03 15:00:00");
      expect((await getOrder({ ctx: t.staffCtx, input: { id: o!.id } })).status).toBe("CANCELED");
    }));
});

describe("tracking", () => {
  it("finds the latest order by number or barcode anonymously and shows no personal data", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      await xmlCall(
        tx,
        `<neworder>${t.auth}${order("T-1", "<barcode>BC-77</barcode><sender><town>Тверь</town></sender>")}</neworder>`,
      );
      const { xml, doc } = await xmlCall(
        tx,
        `<tracking><extra>${t.company.extraCode}</extra><orderno>T-1</orderno></tracking>`,
      );
      expect(doc.tracking.order[0]).toMatchObject({
        orderno: "T-1",
        weight: "1.2",
        quantity: "1",
        sender: { town: "Тверь" },
        receiver: { town: "Москва" },
      });
      expect(doc.tracking.order[0].status["#text"]).toBe("NEW");
      expect(xml).not.toMatch(/Иванов|900|Ленина|1000/);
      const byBarcode = await xmlCall(
        tx,
        `<tracking><extra>${t.company.extraCode}</extra><orderno>BC-77</orderno></tracking>`,
      );
      expect(byBarcode.doc.tracking.count).toBe("1");
      const none = await xmlCall(
        tx,
        `<tracking><extra>${t.company.extraCode}</extra><orderno>T-404</orderno></tracking>`,
      );
      expect(none.doc.tracking.count).toBe("0");
      const wrongExtra = await xmlCall(tx, `<tracking><extra>1</extra><orderno>T-1</orderno></tracking>`);
      expect(wrongExtra.doc.tracking.count).toBe("0");
    }));
});
