import { and, count, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { orders, orderStatusHistory, syncLog, transfers } from "@/db/schema";
import { createOrders, today } from "@/db/test/factories";
import { createIsolatedSyncPair } from "@/db/test/isolated-pair";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "@/server/services/manifests";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { startWorker } from "../runner";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function pair() {
  const p = await createIsolatedSyncPair();
  cleanup.push(() => p.dispose());
  return p;
}

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe("worker processes", () => {
  it("two workers at once over 1,000 orders: each handed over exactly once, started by the send date itself", async () => {
    const p = await pair();
    const w1 = await startWorker({ databaseUrl: p.urlA, pollSeconds: 1, log: () => {} });
    const w2 = await startWorker({ databaseUrl: p.urlA, pollSeconds: 1, log: () => {} });
    cleanup.push(async () => {
      await w1.stop();
      await w2.stop();
    });

    const created = await createOrders(p.a.db, p.companyA.id, p.shopA.id, 1000);
    const m = await createManifest({ ctx: p.ctxA, input: { responsibleBranchId: p.branchA.id } });
    await addOrdersToManifest({ ctx: p.ctxA, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
    await markManifestAssembled({ ctx: p.ctxA, input: { id: m.id } });
    await setManifestSendDate({ ctx: p.ctxA, input: { id: m.id, sendDate: today() } });

    await until(async () => {
      const [{ n } = { n: 0 }] = await p.a.db.select({ n: count() }).from(transfers).where(eq(transfers.state, "sent"));
      return n === 1000;
    }, 90_000);

    const atB = await p.b.db.select({ number: orders.number }).from(orders).where(eq(orders.companyId, p.companyB.id));
    expect(atB).toHaveLength(1000);
    expect(new Set(atB.map((o) => o.number)).size).toBe(1000);
    const [accepted] = await p.a.db
      .select({ n: count() })
      .from(syncLog)
      .where(and(eq(syncLog.kind, "transfer"), eq(syncLog.ok, true)));
    expect(accepted!.n).toBe(1000);
    const [firstTry] = await p.a.db.select({ n: count() }).from(transfers).where(eq(transfers.attempts, 1));
    expect(firstTry!.n).toBe(1000);

    // And back: the agent delivers one, the workers' poll brings COMPLETE home.
    const [one] = await p.b.db.select({ id: orders.id }).from(orders).where(eq(orders.number, created[0]!.number));
    await setOrderStatus({ ctx: p.ctxB, input: { id: one!.id, status: "COMPLETE" } });
    await until(async () => {
      const [row] = await p.a.db
        .select({ n: count() })
        .from(orderStatusHistory)
        .where(
          and(
            eq(orderStatusHistory.orderId, created[0]!.id),
            eq(orderStatusHistory.source, "agent"),
            eq(orderStatusHistory.status, "COMPLETE"),
          ),
        );
      return row!.n === 1;
    }, 15_000);
  }, 120_000);
});
