import { and, count, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { integrations, orders, orderStatusHistory, syncLog, transfers } from "@/db/schema";
import { createOrders, today } from "@/db/test/factories";
import { createIsolatedSyncPair } from "@/db/test/isolated-pair";
import type { SyncPair } from "@/db/test/sync-pair";
import { setIntegrationEnabled } from "@/server/services/integrations/set-enabled";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "@/server/services/manifests";
import { getOrder } from "@/server/services/orders/get";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { cancelOrder } from "@/server/services/orders/lifecycle";
import { appendStatus } from "@/server/services/orders/write";
import { retryTransfer } from "../order-sync";
import { runCancels } from "../cancel";
import { pollPartnerStatuses } from "../status";
import { runTransfers, sweepStuckTransfers } from "../transfer";

const FAST = { baseDelayMs: 5, maxDelayMs: 20, giveUpAfterMs: 60_000 };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** Two deployments, each with its own database, talking over loopback HTTP. */
async function pair(): Promise<SyncPair> {
  const p = await createIsolatedSyncPair();
  cleanup.push(() => p.dispose());
  return p;
}

/** Orders at A in a manifest to the partner branch, sent: the event that hands them over. */
async function ship(p: SyncPair, n: number) {
  const created = await createOrders(p.a.db, p.companyA.id, p.shopA.id, n);
  const m = await createManifest({ ctx: p.ctxA, input: { responsibleBranchId: p.branchA.id } });
  await addOrdersToManifest({ ctx: p.ctxA, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
  await markManifestAssembled({ ctx: p.ctxA, input: { id: m.id } });
  const sent = await setManifestSendDate({ ctx: p.ctxA, input: { id: m.id, sendDate: today() } });
  expect(sent.queuedTransfers).toBe(n);
  return created;
}

async function ordersAtB(p: SyncPair) {
  return p.b.db
    .select({ id: orders.id, number: orders.number, status: orders.status, clientId: orders.clientId })
    .from(orders)
    .where(eq(orders.companyId, p.companyB.id));
}

async function transferStates(p: SyncPair) {
  const rows = await p.a.db.select({ state: transfers.state, n: count() }).from(transfers).groupBy(transfers.state);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

describe("MeaSoft → MeaSoft exchange between two deployments", () => {
  it("hands orders over in batches and brings the agent's statuses back", async () => {
    const p = await pair();
    const shipped = await ship(p, 7);
    const run = await runTransfers(p.a.db, p.integrationId, { batchSize: 5 });
    expect(run).toMatchObject({ sent: 7, failed: 0, batches: 2 });
    const [health] = await p.a.db
      .select({ status: integrations.healthStatus })
      .from(integrations)
      .where(eq(integrations.id, p.integrationId));
    expect(health!.status).toBe("ok");

    const atB = await ordersAtB(p);
    expect(atB.map((o) => o.number).sort()).toEqual(shipped.map((o) => o.number).sort());
    expect(new Set(atB.map((o) => o.clientId))).toEqual(new Set([p.alfaAtB.id]));
    const [t] = await p.a.db.select().from(transfers).where(eq(transfers.orderId, shipped[0]!.id));
    expect(t).toMatchObject({
      state: "sent",
      partnerOrderCode: String(atB.find((o) => o.number === shipped[0]!.number)!.id),
    });

    // Бета's operator works the order; the change reaches Альфа through the change feed.
    const target = atB.find((o) => o.number === shipped[0]!.number)!;
    await setOrderStatus({ ctx: p.ctxB, input: { id: target.id, status: "DELIVERY" } });
    await setOrderStatus({ ctx: p.ctxB, input: { id: target.id, status: "COMPLETE" } });
    const polled = await pollPartnerStatuses(p.a.db, p.integrationId);
    expect(polled.applied).toBeGreaterThanOrEqual(1);
    const card = await getOrder({ ctx: p.ctxA, input: { id: shipped[0]!.id } });
    expect(card.status).toBe("COMPLETE");
    expect(card.history.at(-1)).toMatchObject({ status: "COMPLETE", source: "agent" });

    // The feed was acknowledged: a second poll brings nothing new and records nothing twice.
    const again = await pollPartnerStatuses(p.a.db, p.integrationId);
    expect(again.applied).toBe(0);
    const agentRows = await p.a.db
      .select({ n: count() })
      .from(orderStatusHistory)
      .where(and(eq(orderStatusHistory.orderId, shipped[0]!.id), eq(orderStatusHistory.source, "agent")));
    expect(agentRows[0]!.n).toBe(1);
  });

  it("never reopens a final order when a late non-final status arrives", async () => {
    const p = await pair();
    const [o] = await ship(p, 1);
    await runTransfers(p.a.db, p.integrationId);
    const [atB] = await ordersAtB(p);
    await setOrderStatus({ ctx: p.ctxB, input: { id: atB!.id, status: "COMPLETE" } });
    await pollPartnerStatuses(p.a.db, p.integrationId);
    // A partner whose own rules let a final order reopen (B's cabinet would refuse this, so it is written directly).
    await p.b.db.transaction((tx) =>
      appendStatus(tx, { id: atB!.id, companyId: p.companyB.id }, "DELIVERY", "cabinet", new Date()),
    );
    await pollPartnerStatuses(p.a.db, p.integrationId);
    const card = await getOrder({ ctx: p.ctxA, input: { id: o!.id } });
    expect(card.status).toBe("COMPLETE");
    expect(card.history.filter((h) => h.source === "agent").map((h) => h.status)).toEqual(["COMPLETE", "DELIVERY"]);
  });

  it("a crash between the partner's acceptance and our commit leaves exactly one order at the partner", async () => {
    const p = await pair();
    const shipped = await ship(p, 3);
    await expect(
      runTransfers(p.a.db, p.integrationId, {
        afterPartnerAccepted: async () => {
          throw new Error("worker killed");
        },
      }),
    ).rejects.toThrow("worker killed");
    expect(await transferStates(p)).toEqual({ sending: 3 });
    expect(await ordersAtB(p)).toHaveLength(3);

    // The lock expires; the sweep hands the batch to the next worker, which finds the orders already there.
    await p.a.db.update(transfers).set({ lockedUntil: sql`now() - interval '1 second'` });
    expect(await sweepStuckTransfers(p.a.db)).toBe(3);
    const run = await runTransfers(p.a.db, p.integrationId);
    expect(run.sent).toBe(3);
    const atB = await ordersAtB(p);
    expect(atB).toHaveLength(3);
    expect(new Set(atB.map((o) => o.number)).size).toBe(3);
    const codes = await p.a.db.select({ code: transfers.partnerOrderCode }).from(transfers);
    expect(codes.map((c) => c.code).sort()).toEqual(atB.map((o) => String(o.id)).sort());
    const log = await p.a.db.select().from(syncLog).where(eq(syncLog.orderId, shipped[0]!.id));
    expect(log.some((l) => l.ok && l.kind === "transfer")).toBe(true);
  });

  it("partner down for a while: retried with back-off, everything delivered after it returns", async () => {
    const p = await pair();
    await p.stopPartner();
    const shipped = await ship(p, 20);
    const down = await runTransfers(p.a.db, p.integrationId, { policy: FAST });
    expect(down).toMatchObject({ sent: 0, retrying: 20 });
    const [pending] = await p.a.db.select().from(transfers).where(eq(transfers.orderId, shipped[0]!.id));
    expect(pending!.state).toBe("pending");
    expect(pending!.lastError).toMatch(/Нет связи/);
    expect(pending!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1000);

    await p.startPartner();
    await new Promise((r) => setTimeout(r, 50));
    const up = await runTransfers(p.a.db, p.integrationId, { policy: FAST });
    expect(up.sent).toBe(20);
    expect(await ordersAtB(p)).toHaveLength(20);
    expect(await transferStates(p)).toEqual({ sent: 20 });
  });

  it("gives up after the retry window with the cause, and «Повторить» sends it again", async () => {
    const p = await pair();
    await p.stopPartner();
    const [o] = await ship(p, 1);
    await runTransfers(p.a.db, p.integrationId, { policy: { ...FAST, giveUpAfterMs: 0 } });
    expect(await transferStates(p)).toEqual({ failed: 1 });
    await p.startPartner();
    await retryTransfer({ ctx: p.ctxA, input: { orderId: o!.id } });
    await runTransfers(p.a.db, p.integrationId);
    expect(await transferStates(p)).toEqual({ sent: 1 });
  });

  it("an authorization error stops at once, shows the partner's text and marks the integration unhealthy", async () => {
    const p = await pair();
    await p.b.db.execute(sql`update clients set login = 'alfa-renamed' where login = 'alfa'`);
    await ship(p, 2);
    const run = await runTransfers(p.a.db, p.integrationId, { policy: FAST });
    expect(run).toMatchObject({ sent: 0, failed: 2 });
    const [t] = await p.a.db.select().from(transfers).limit(1);
    expect(t!.lastError).toMatch(/авторизац/i);
    const [i] = await p.a.db.select().from(integrations).where(eq(integrations.id, p.integrationId));
    expect(i!.healthStatus).toBe("error");
  });

  it("orders of a switched-off integration wait and go when it is switched on", async () => {
    const p = await pair();
    await setIntegrationEnabled({ ctx: p.ctxA, input: { branchId: p.branchA.id, enabled: false } });
    await ship(p, 2);
    expect(await transferStates(p)).toEqual({ waiting: 2 });
    expect((await runTransfers(p.a.db, p.integrationId)).sent).toBe(0);
    await setIntegrationEnabled({ ctx: p.ctxA, input: { branchId: p.branchA.id, enabled: true } });
    expect((await runTransfers(p.a.db, p.integrationId)).sent).toBe(2);
  });

  it("cancel before the hand-over sends nothing; after it, cancelorder reaches the partner", async () => {
    const p = await pair();
    const [early, late] = await ship(p, 2);
    expect(await cancelOrder({ ctx: p.ctxA, input: { id: early!.id } })).toMatchObject({ outcome: "cancelled" });
    await runTransfers(p.a.db, p.integrationId);
    expect((await ordersAtB(p)).map((o) => o.number)).toEqual([late!.number]);

    expect(await cancelOrder({ ctx: p.ctxA, input: { id: late!.id } })).toMatchObject({ outcome: "requested" });
    expect(await runCancels(p.a.db, p.integrationId)).toBe(1);
    const [atB] = await ordersAtB(p);
    expect(atB!.status).toBe("CANCELED");
    expect((await getOrder({ ctx: p.ctxA, input: { id: late!.id } })).status).toBe("CANCELED");
    const [t] = await p.a.db.select().from(transfers).where(eq(transfers.orderId, late!.id));
    expect(t).toMatchObject({ cancelState: "done" });
  });

  it("an order received from a partner is never sent back to it", async () => {
    const p = await pair();
    // At Бета, an order of its client «Альфа Курьер» (partner extra 101) put into a bag to Бета's branch for Альфа.
    const { saveIntegration } = await import("@/server/services/integrations/save");
    await saveIntegration({
      ctx: p.ctxB,
      input: {
        branchId: p.branchAtB.id,
        integrator: "measoft",
        values: { login: "x", password: "y", extra: "101", apiUrl: "http://127.0.0.1:9/api/" },
      },
    });
    const [fromAlfa] = await createOrders(p.b.db, p.companyB.id, p.alfaAtB.id, 1);
    const m = await createManifest({ ctx: p.ctxB, input: { responsibleBranchId: p.branchAtB.id } });
    await addOrdersToManifest({ ctx: p.ctxB, input: { manifestId: m.id, orderIds: [fromAlfa!.id] } });
    await markManifestAssembled({ ctx: p.ctxB, input: { id: m.id } });
    const sent = await setManifestSendDate({ ctx: p.ctxB, input: { id: m.id, sendDate: today() } });
    expect(sent.queuedTransfers).toBe(0);
    const [log] = await p.b.db.select().from(syncLog).where(eq(syncLog.orderId, fromAlfa!.id));
    expect(log!.result).toMatch(/обратно/);
  });
});
