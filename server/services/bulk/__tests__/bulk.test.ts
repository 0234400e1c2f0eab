import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Queryable, Transaction } from "@/db/client";
import { integrations, manifests, orders, orderStatusHistory, transfers } from "@/db/schema";
import { createClient, createOrders, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { addOrdersToManifest, createManifest } from "@/server/services/manifests";
import { createCaller } from "@/server/trpc/root";
import type { ServiceContext } from "../../context";
import { bulkAddToManifest, bulkCancel, bulkCount, bulkIds, bulkSetStatus, BULK_CHUNK } from "..";
import { MAX_BULK_FILTER, MAX_BULK_IDS, NOT_FOUND_REASON, TOO_MANY_BY_FILTER, TOO_MANY_IDS } from "../schemas";
import { ALREADY_CANCELED, MANIFEST_FINAL_REASON } from "../../orders/lifecycle";
import { listOrders } from "../../orders/list";
import { appendStatus } from "../../orders/write";

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function setStatus(db: Queryable, t: Tenant, id: number, status: string) {
  await appendStatus(db, { id, companyId: t.company.id }, status, "cabinet", new Date());
}

const statusOf = async (db: Queryable, id: number) =>
  (await db.select({ s: orders.status }).from(orders).where(eq(orders.id, id)))[0]!.s;

/** An order handed to a partner (a sent transfer): cancelling it asks the partner. */
async function handOver(tx: Transaction, t: Tenant, orderId: number) {
  const [i] = await tx
    .insert(integrations)
    .values({ companyId: t.company.id, branchId: t.branch.id, integrator: "measoft", settings: {}, enabled: true })
    .returning({ id: integrations.id });
  await tx.insert(transfers).values({
    companyId: t.company.id,
    orderId,
    integrationId: i!.id,
    state: "sent",
    partnerNumber: `P-${orderId}`,
    sentAt: new Date(),
  });
}

/** Many plain NEW orders in one statement (the caps need more than ten thousand). */
async function manyOrders(tx: Transaction, t: Tenant, count: number, prefix: string) {
  await tx.execute(sql`
    insert into orders (company_id, client_id, number, year)
    select ${t.company.id}, ${t.client.id}, ${prefix} || g, extract(year from now())::smallint
    from generate_series(1, ${count}) g`);
}

/** Counts the transactions a service opens: the chunking is «not one per order, not one for everything». */
function countingTransactions(ctx: ServiceContext) {
  const counter = { n: 0 };
  const db = new Proxy(ctx.db, {
    get(target, prop, receiver) {
      if (prop === "transaction") {
        return (...args: unknown[]) => {
          counter.n++;
          return (target.transaction as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { ctx: { db, actor: ctx.actor } as ServiceContext, counter };
}

const reasons = (r: { refused: { orderId: number; reason: string }[] }) =>
  Object.fromEntries(r.refused.map((x) => [x.orderId, x.reason]));

describe("bulk cancel", () => {
  it("cancels what the rules allow and names each refusal with its reason", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      const [a, b, done, cancelled, atPartner] = await createOrders(tx, t.company.id, t.client.id, 5);
      const [foreign] = await createOrders(tx, other.company.id, other.client.id, 1);
      await setStatus(tx, t, done!.id, "COMPLETE");
      await setStatus(tx, t, cancelled!.id, "CANCELED");
      await handOver(tx, t, atPartner!.id);

      const ids = [a!.id, b!.id, done!.id, cancelled!.id, atPartner!.id, foreign!.id];
      const r = await bulkCancel({ ctx: t.staffCtx, input: { ids } });

      expect(r.done).toBe(3);
      expect(r.requested).toBe(1);
      expect(reasons(r)).toEqual({
        [done!.id]: "Заказ в финальном статусе «Доставлен» и не может быть отменён",
        [cancelled!.id]: ALREADY_CANCELED,
        [foreign!.id]: NOT_FOUND_REASON,
      });
      // Another company's order is not named, and not touched.
      expect(r.refused.find((x) => x.orderId === foreign!.id)!.number).toBeNull();
      expect(r.refused.find((x) => x.orderId === done!.id)!.number).toBe(done!.number);
      expect(await statusOf(tx, foreign!.id)).toBe("NEW");

      expect(await statusOf(tx, a!.id)).toBe("CANCELED");
      expect(await statusOf(tx, b!.id)).toBe("CANCELED");
      expect(await statusOf(tx, done!.id)).toBe("COMPLETE");
      // At the partner: the cancellation is queued for the worker, the status waits for the partner's answer.
      expect(await statusOf(tx, atPartner!.id)).toBe("NEW");
      const [tr] = await tx.select().from(transfers).where(eq(transfers.orderId, atPartner!.id));
      expect(tr!.cancelState).toBe("pending");
      const history = await tx
        .select({ id: orderStatusHistory.orderId, comment: orderStatusHistory.comment })
        .from(orderStatusHistory)
        .where(and(inArray(orderStatusHistory.orderId, [a!.id, b!.id]), eq(orderStatusHistory.status, "CANCELED")));
      expect(history.map((h) => h.comment)).toEqual(["Отменён в кабинете", "Отменён в кабинете"]);
    }));

  it("a client account cancels only its own new orders; status and manifests are staff's", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const neighbour = await createClient(tx, t.company.id);
      const [fresh, inWork] = await createOrders(tx, t.company.id, t.client.id, 2);
      const [theirs] = await createOrders(tx, t.company.id, neighbour.id, 1);
      await setStatus(tx, t, inWork!.id, "DELIVERY");

      const r = await bulkCancel({ ctx: t.clientCtx, input: { ids: [fresh!.id, inWork!.id, theirs!.id] } });
      expect(r.done).toBe(1);
      expect(reasons(r)).toEqual({
        [inWork!.id]: "Заказ уже в работе у курьерской службы и не может быть отменён",
        [theirs!.id]: NOT_FOUND_REASON,
      });
      expect(await statusOf(tx, fresh!.id)).toBe("CANCELED");
      expect(await statusOf(tx, theirs!.id)).toBe("NEW");

      // «Все по фильтру» of a client account is its own orders only, whatever the filter names.
      expect(await bulkCount({ ctx: t.clientCtx, input: { filter: { clientId: neighbour.id } } })).toEqual({
        count: 0,
        more: false,
      });
      const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await expect(
        bulkSetStatus({ ctx: t.clientCtx, input: { ids: [inWork!.id], status: "COMPLETE" } }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        bulkAddToManifest({ ctx: t.clientCtx, input: { ids: [inWork!.id], manifestId: m.id } }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await statusOf(tx, inWork!.id)).toBe("DELIVERY");
    }));

  it("by filter: exactly the orders the list shows, in chunks of a few hundred per transaction", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createClient(tx, t.company.id);
      await manyOrders(tx, t, BULK_CHUNK * 2 + 100, "F-");
      const [outside] = await createOrders(tx, t.company.id, other.id, 1);
      const [delivered] = await createOrders(tx, t.company.id, t.client.id, 1);
      await setStatus(tx, t, delivered!.id, "DELIVERY");

      const filter = { clientId: t.client.id, status: "NEW" as const };
      const listed: number[] = [];
      for (let cursor: number | undefined; ;) {
        const page = await listOrders({ ctx: t.staffCtx, input: { ...filter, cursor, limit: 200 } });
        listed.push(...page.items.map((o) => o.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect((await bulkIds({ ctx: t.staffCtx, input: { filter } })).ids).toEqual(listed);
      expect(await bulkCount({ ctx: t.staffCtx, input: { filter } })).toEqual({ count: 1100, more: false });

      const { ctx, counter } = countingTransactions(t.staffCtx);
      const r = await bulkCancel({ ctx, input: { filter } });
      expect(r).toEqual({ done: 1100, refused: [], requested: 0 });
      expect(counter.n).toBe(3);
      const left = await tx
        .select({ status: orders.status, n: sql<number>`count(*)`.mapWith(Number) })
        .from(orders)
        .where(eq(orders.companyId, t.company.id))
        .groupBy(orders.status);
      expect(Object.fromEntries(left.map((x) => [x.status, x.n]))).toEqual({ CANCELED: 1100, NEW: 1, DELIVERY: 1 });
      expect(await statusOf(tx, outside!.id)).toBe("NEW");
    }));
});

describe("bulk status change", () => {
  it("sets the status where the lifecycle allows it; the rest are refused with the card's reasons", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      const [a, b, final, same] = await createOrders(tx, t.company.id, t.client.id, 4);
      const [foreign] = await createOrders(tx, other.company.id, other.client.id, 1);
      await setStatus(tx, t, final!.id, "COMPLETE");
      await setStatus(tx, t, same!.id, "DELIVERY");

      const ids = [a!.id, b!.id, final!.id, same!.id, foreign!.id];
      const r = await bulkSetStatus({ ctx: t.staffCtx, input: { ids, status: "DELIVERY", comment: "Курьер Петров" } });
      expect(r.done).toBe(2);
      expect(reasons(r)).toEqual({
        [final!.id]: "Финальный статус не переоткрывается: доступны только другие финальные статусы",
        [same!.id]: "Заказ уже в этом статусе",
        [foreign!.id]: NOT_FOUND_REASON,
      });
      expect(await statusOf(tx, a!.id)).toBe("DELIVERY");
      expect(await statusOf(tx, final!.id)).toBe("COMPLETE");
      expect(await statusOf(tx, foreign!.id)).toBe("NEW");
      const [h] = await tx
        .select({ comment: orderStatusHistory.comment })
        .from(orderStatusHistory)
        .where(and(eq(orderStatusHistory.orderId, b!.id), eq(orderStatusHistory.status, "DELIVERY")));
      expect(h!.comment).toBe("Курьер Петров");

      // Cancelling goes through the cancel action, which knows about partners.
      const c = await bulkSetStatus({ ctx: t.staffCtx, input: { ids: [a!.id], status: "CANCELED" } });
      expect(c.done).toBe(0);
      expect(c.refused[0]!.reason).toMatch(/кнопкой «Отменить заказ»/);
    }));
});

describe("bulk add to manifest", () => {
  it("adds the free orders; final ones, those in a sent manifest and foreign ids are refused", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      const [a, b, final, inSent, inThis] = await createOrders(tx, t.company.id, t.client.id, 5);
      const [foreign] = await createOrders(tx, other.company.id, other.client.id, 1);
      await setStatus(tx, t, final!.id, "COMPLETE");
      const sent = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: sent.id, orderIds: [inSent!.id] } });
      await tx.update(manifests).set({ state: "sent" }).where(eq(manifests.id, sent.id));
      const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: [inThis!.id] } });

      const ids = [a!.id, b!.id, final!.id, inSent!.id, inThis!.id, foreign!.id];
      const r = await bulkAddToManifest({ ctx: t.staffCtx, input: { ids, manifestId: m.id } });
      expect(r.done).toBe(2);
      expect(reasons(r)).toEqual({
        [final!.id]: MANIFEST_FINAL_REASON,
        [inSent!.id]: `Заказ уже в манифесте ${sent.number}`,
        [inThis!.id]: "Заказ уже в этом манифесте",
        [foreign!.id]: NOT_FOUND_REASON,
      });
      const inManifest = await tx
        .select({ id: orders.id })
        .from(orders)
        .where(eq(orders.manifestId, m.id))
        .orderBy(orders.id);
      expect(inManifest.map((o) => o.id)).toEqual([a!.id, b!.id, inThis!.id].sort((x, y) => x - y));
      const [f] = await tx.select({ m: orders.manifestId }).from(orders).where(eq(orders.id, foreign!.id));
      expect(f!.m).toBeNull();
    }));

  it("refuses a manifest that is not a draft, and another company's manifest is not found", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      const [a] = await createOrders(tx, t.company.id, t.client.id, 1);
      const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await tx.update(manifests).set({ state: "assembled" }).where(eq(manifests.id, m.id));
      await expect(
        bulkAddToManifest({ ctx: t.staffCtx, input: { ids: [a!.id], manifestId: m.id } }),
      ).rejects.toMatchObject({ code: "CONFLICT", message: "Заказы можно добавлять только в черновик манифеста" });
      const theirs = await createManifest({ ctx: other.staffCtx, input: { responsibleBranchId: other.branch.id } });
      await expect(
        bulkAddToManifest({ ctx: t.staffCtx, input: { filter: {}, manifestId: theirs.id } }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    }));
});

describe("selection", () => {
  it("caps: more than 5,000 picked ids or 10,000 orders by filter are refused in Russian; nothing changes", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await manyOrders(tx, t, MAX_BULK_FILTER + 1, "C-");
      const caller = createCaller({ db: tx, actor: t.staffCtx.actor });

      const tooMany = Array.from({ length: MAX_BULK_IDS + 1 }, (_, i) => i + 1);
      const e1 = await caller.bulk.cancel({ ids: tooMany }).catch((e: unknown) => e);
      expect(e1).toMatchObject({ code: "BAD_REQUEST" });
      expect(JSON.stringify(e1)).toContain(TOO_MANY_IDS);

      expect(await caller.bulk.count({ filter: {} })).toEqual({ count: MAX_BULK_FILTER, more: true });
      await expect(caller.bulk.cancel({ filter: {} })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "Выбрано больше 10 000 заказов: сузьте фильтр",
      });
      await expect(caller.bulk.ids({ filter: {} })).rejects.toMatchObject({ message: TOO_MANY_BY_FILTER });
      expect(await caller.bulk.count({ filter: { status: "CANCELED" } })).toEqual({ count: 0, more: false });

      const [before] = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from orders where company_id = ${t.company.id} and status = 'NEW'`,
      );
      expect(before!.n).toBe(MAX_BULK_FILTER + 1);

      // A narrower filter is within the cap: numbers starting with C-1000 are C-1000, C-10000 and C-10001.
      const narrow = { filter: { search: "C-1000" } };
      expect(await caller.bulk.count(narrow)).toEqual({ count: 3, more: false });
      expect(await caller.bulk.cancel(narrow)).toEqual({ done: 3, refused: [], requested: 0 });
    }));

  it("needs exactly one of picked ids or a filter", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const caller = createCaller({ db: tx, actor: t.staffCtx.actor });
      await expect(caller.bulk.cancel({})).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(caller.bulk.cancel({ ids: [1], filter: {} })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(caller.bulk.cancel({ ids: [] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }));

  it("ids of «все по фильтру» for labels: the list's orders, newest first", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const created = await createOrders(tx, t.company.id, t.client.id, 3);
      await setStatus(tx, t, created[1]!.id, "DELIVERY");
      const { ids } = await bulkIds({ ctx: t.staffCtx, input: { filter: { status: "NEW" } } });
      expect(ids).toEqual([created[2]!.id, created[0]!.id]);
    }));
});
