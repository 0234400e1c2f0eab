import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import { createBranch, createOrders, createTenant, today } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import {
  addOrdersToManifest,
  createManifest,
  getManifest,
  listManifests,
  markManifestAssembled,
  removeOrderFromManifest,
  setManifestSendDate,
} from "../manifests";
import { saveIntegration } from "../integrations";
import { getOrder } from "../orders/get";
import { cancelOrder, setOrderStatus } from "../orders/lifecycle";
import { listOrders } from "../orders/list";

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");

describe("manifests", () => {
  it("goes draft → assembled → sent and copies the responsible branch onto every order", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const partner = await createBranch(tx, t.company.id, { name: "Бета Экспресс (Новосибирск)" });
      const orders = await createOrders(tx, t.company.id, t.client.id, 3);
      const m = await createManifest({
        ctx: t.staffCtx,
        input: { creatingBranchId: t.branch.id, responsibleBranchId: partner.id },
      });
      expect(m.number).toMatch(/^М-\d{5}$/);
      await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, numbers: orders.map((o) => o.number) } });
      await removeOrderFromManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderId: orders[2]!.id } });
      await markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } });
      const sent = await setManifestSendDate({ ctx: t.staffCtx, input: { id: m.id, sendDate: today() } });
      expect(sent.orderIds.sort()).toEqual([orders[0]!.id, orders[1]!.id].sort());

      const card = await getManifest({ ctx: t.staffCtx, input: { id: m.id } });
      expect(card.state).toBe("sent");
      expect(card.sendDate).toBe(today());
      expect((await getOrder({ ctx: t.staffCtx, input: { id: orders[0]!.id } })).responsibleBranchId).toBe(partner.id);
      expect((await getOrder({ ctx: t.staffCtx, input: { id: orders[2]!.id } })).responsibleBranchId).toBeNull();
      const listed = await listManifests({ ctx: t.staffCtx, input: {} });
      expect(listed.items.find((x) => x.id === m.id)?.orderCount).toBe(2);
    }));

  it("refuses out-of-order steps with clear messages", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await expect(markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } })).rejects.toMatchObject({
        code: "CONFLICT",
        message: "В манифесте нет заказов",
      });
      await expect(
        setManifestSendDate({ ctx: t.staffCtx, input: { id: m.id, sendDate: today() } }),
      ).rejects.toMatchObject({ message: "Сначала скомплектуйте манифест" });
      await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: [o!.id] } });
      await markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } });
      await expect(
        addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: [o!.id] } }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
    }));

  it("keeps an order in one manifest at a time and names unknown numbers", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      const a = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      const b = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: a.id, orderIds: [o!.id] } });
      await expect(
        addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: b.id, orderIds: [o!.id] } }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      const err = await addOrdersToManifest({
        ctx: t.staffCtx,
        input: { manifestId: b.id, numbers: ["NOPE-1"] },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "NOT_FOUND", fieldErrors: { numbers: [expect.stringContaining("NOPE-1")] } });
    }));

  it("refuses orders in a final status or cancelled, and the picker does not offer them", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [open, done, cancelled] = await createOrders(tx, t.company.id, t.client.id, 3);
      await setOrderStatus({ ctx: t.staffCtx, input: { id: done!.id, status: "COMPLETE" } });
      await cancelOrder({ ctx: t.staffCtx, input: { id: cancelled!.id } });
      const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      const picker = await listOrders({ ctx: t.staffCtx, input: { forManifest: true } });
      expect(picker.items.map((o) => o.id)).toEqual([open!.id]);
      const err = await addOrdersToManifest({
        ctx: t.staffCtx,
        input: { manifestId: m.id, numbers: [open!.number, done!.number, cancelled!.number] },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: "CONFLICT",
        fieldErrors: { numbers: [expect.stringMatching(new RegExp(`${done!.number}.*${cancelled!.number}`))] },
      });
      expect((await getManifest({ ctx: t.staffCtx, input: { id: m.id } })).orders).toEqual([]);
      expect(await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: [open!.id] } })).toEqual(
        { added: 1 },
      );
    }));

  it("hands over no order cancelled after it was packed", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: {
          branchId: t.branch.id,
          integrator: "measoft",
          values: { login: "l", password: "p", extra: "202", apiUrl: "http://127.0.0.1:9/api/" },
        },
      });
      const [keep, drop] = await createOrders(tx, t.company.id, t.client.id, 2);
      const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: [keep!.id, drop!.id] } });
      await markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } });
      await cancelOrder({ ctx: t.staffCtx, input: { id: drop!.id } });
      const sent = await setManifestSendDate({ ctx: t.staffCtx, input: { id: m.id, sendDate: today() } });
      expect(sent.queuedTransfers).toBe(1);
    }));

  it.each([
    ["far in the past", -400, /в прошлом/],
    ["far in the future", 400, /в будущем/],
  ])("refuses a send date %s at the field", (_name, offset, message) =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: [o!.id] } });
      await markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } });
      const err = await setManifestSendDate({ ctx: t.staffCtx, input: { id: m.id, sendDate: today(offset) } }).catch(
        (e: unknown) => e,
      );
      expect((err as ZodError).issues).toEqual([
        expect.objectContaining({ path: ["sendDate"], message: expect.stringMatching(message) }),
      ]);
      expect((await getManifest({ ctx: t.staffCtx, input: { id: m.id } })).state).toBe("assembled");
    }),
  );
});
