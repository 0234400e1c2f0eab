import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "@/db/client";
import { clients, integrations, orders, transfers } from "@/db/schema";
import { createBranch, createOrders, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { ForbiddenError } from "@/server/services/errors";
import { listOrders } from "@/server/services/orders/list";
import type { OrderFilter } from "@/server/services/orders/schemas";
import { appendStatus } from "@/server/services/orders/write";
import { createCaller } from "@/server/trpc/root";
import { getDashboard } from "../figures";
import { localIsoDate, ordersHref } from "../links";

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function transferOf(tx: Transaction, t: Tenant, orderId: number, state: typeof transfers.$inferInsert.state) {
  // One integration per branch: each hand-over goes to a partner of its own.
  const branch = await createBranch(tx, t.company.id);
  const [i] = await tx
    .insert(integrations)
    .values({ companyId: t.company.id, branchId: branch.id, integrator: "measoft", settings: {}, enabled: true })
    .returning({ id: integrations.id });
  await tx
    .insert(transfers)
    .values({ companyId: t.company.id, orderId, integrationId: i!.id, state, partnerNumber: `P-${orderId}` });
  return i!.id;
}

/** What the order list shows for a card's filter, counted page by page. */
async function listCount(t: Tenant, filter: OrderFilter) {
  return (await listOrders({ ctx: t.staffCtx, input: { ...filter, limit: 200 } })).items.length;
}

describe("staff dashboard", () => {
  it("counts today's orders by status, hand-overs, COD and orders per day; each card's filter lists the same orders", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      // 7 orders of ours, COD 1000 each (factory); 4 of another company that must never count.
      const ours = await createOrders(tx, t.company.id, t.client.id, 7);
      const theirs = await createOrders(tx, other.company.id, other.client.id, 4);
      const [a, b, c, d, e, old1, old2] = ours.map((o) => o.id) as number[];
      await appendStatus(tx, { id: a!, companyId: t.company.id }, "ACCEPTED", "cabinet", new Date());
      await appendStatus(tx, { id: b!, companyId: t.company.id }, "ACCEPTED", "cabinet", new Date());
      await appendStatus(tx, { id: c!, companyId: t.company.id }, "COMPLETE", "cabinet", new Date());
      // Two orders created three days ago: not today's, but on the chart and (not final) still COD to collect.
      await tx
        .update(orders)
        .set({ createdAt: sql`now() - interval '3 days'` })
        .where(inArray(orders.id, [old1!, old2!]));
      // A no-COD order is not money to collect.
      await tx.update(orders).set({ codAmount: "0" }).where(eq(orders.id, e!));
      // Hand-overs: two waiting (one of them twice, to two partners), one failed, one sent; the other company's too.
      await transferOf(tx, t, a!, "pending");
      await transferOf(tx, t, a!, "submitted");
      await transferOf(tx, t, b!, "waiting");
      await transferOf(tx, t, d!, "failed");
      await transferOf(tx, t, e!, "sent");
      await transferOf(tx, other, theirs[0]!.id, "failed");
      await transferOf(tx, other, theirs[1]!.id, "pending");

      const f = await getDashboard({ ctx: t.staffCtx, input: {} });
      const today = localIsoDate(new Date());
      expect(f.today).toBe(today);
      expect(f.todayTotal.count).toBe(5);
      expect(f.todayTotal.href).toBe(`/orders?from=${today}&to=${today}`);
      expect(Object.fromEntries(f.todayByStatus.map((s) => [s.status, s.count]))).toEqual({
        NEW: 2,
        ACCEPTED: 2,
        COMPLETE: 1,
      });
      const accepted = f.todayByStatus.find((s) => s.status === "ACCEPTED")!;
      expect(accepted.title).toBe("Принят на склад");
      expect(accepted.href).toBe(`/orders?status=ACCEPTED&from=${today}&to=${today}`);
      expect(f.waitingAtPartners).toMatchObject({ count: 2, href: "/orders?transfer=waiting" });
      expect(f.failedTransfers).toMatchObject({ count: 1, href: "/orders?transfer=failed" });
      // a, b, d, old1, old2 carry 1000 and are not final; c is delivered, e has no COD.
      expect(f.codPending).toEqual([{ currency: "RUB", amount: "5000.00", count: 5, href: "/orders?cod=1" }]);

      // The list behind every card holds exactly the orders counted.
      for (const card of [f.todayTotal, ...f.todayByStatus, f.waitingAtPartners, f.failedTransfers])
        expect(await listCount(t, card.filter)).toBe(card.count);
      expect(await listCount(t, f.codPendingFilter)).toBe(5);
      const failedListed = await listOrders({ ctx: t.staffCtx, input: { transfer: "failed" } });
      expect(failedListed.items.map((o) => o.id)).toEqual([d]);

      expect(f.perDay).toHaveLength(30);
      expect(f.perDay.at(-1)).toMatchObject({ date: today, count: 5 });
      const threeDaysAgo = localIsoDate(new Date(Date.now() - 3 * 86_400_000));
      expect(f.perDay.find((p) => p.date === threeDaysAgo)).toMatchObject({
        count: 2,
        href: ordersHref({ dateFrom: threeDaysAgo, dateTo: threeDaysAgo }),
      });
      expect(f.perDay.reduce((s, p) => s + p.count, 0)).toBe(7);

      // The other company sees its own only.
      const g = await getDashboard({ ctx: other.staffCtx, input: {} });
      expect([g.todayTotal.count, g.waitingAtPartners.count, g.failedTransfers.count]).toEqual([4, 1, 1]);
      expect(g.codPending).toEqual([{ currency: "RUB", amount: "4000.00", count: 4, href: "/orders?cod=1" }]);
    }));

  it("keeps COD sums of different currencies apart", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await createOrders(tx, t.company.id, t.client.id, 2);
      await tx.update(clients).set({ currency: "KZT" }).where(eq(clients.id, t.client.id));
      const [rub] = await tx.insert(clients).values({ companyId: t.company.id, name: "Рублёвый" }).returning();
      await createOrders(tx, t.company.id, rub!.id, 1, { codAmount: 250.5 });
      const f = await getDashboard({ ctx: t.staffCtx, input: {} });
      expect(f.codPending.map((c) => [c.currency, c.amount, c.count])).toEqual([
        ["KZT", "2000.00", 2],
        ["RUB", "250.50", 1],
      ]);
    }));

  it("is staff's only: a client account is refused, through the service and the procedure", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await expect(getDashboard({ ctx: t.clientCtx, input: {} })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(createCaller({ db: tx, actor: t.clientCtx.actor }).dashboard.figures()).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }));
});
