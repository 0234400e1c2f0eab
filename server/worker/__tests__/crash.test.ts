import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { orders } from "@/db/schema";
import { createIsolatedSyncPair } from "@/db/test/isolated-pair";
import { setOrderStatus } from "@/server/services/orders/set-status";
import {
  agentStatuses,
  handOver,
  interceptingProxy,
  kill,
  numbersAtB,
  routeIntegration,
  sentAtA,
  startWorker,
  until,
  type Cleanup,
} from "./helpers";

const cleanup: Cleanup = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

// The workers run with the production lease (no SYNC_LOCK_MS): a killed worker's work must be taken over within 30 s
// because the heartbeat stops, not because the lease was shortened for the test.
const TAKEOVER_MS = 30_000;

describe("worker crash", () => {
  it("killed between the partner's acceptance and the local commit: taken over within 30 s, exactly one order per number at the partner", async () => {
    const p = await createIsolatedSyncPair();
    cleanup.push(() => p.dispose());
    const proxy = await interceptingProxy(cleanup, p.apiUrl);
    await routeIntegration(p, proxy.url);
    const first = startWorker(cleanup, p.urlA);
    let killedAt = 0;
    const killed = new Promise<void>((resolve) =>
      proxy.holdNext(
        (req) => req.includes("<neworder"),
        async () => {
          await kill(first); // the answer is never delivered: the worker dies waiting for it
          killedAt = Date.now();
          resolve();
          await new Promise(() => {});
        },
      ),
    );
    await handOver(p, 25);
    await killed;

    // The partner has all 25; we recorded none of them as sent.
    expect(await numbersAtB(p)).toHaveLength(25);
    expect(await sentAtA(p)).toBe(0);

    startWorker(cleanup, p.urlA);
    await until(async () => (await sentAtA(p)) === 25, TAKEOVER_MS, "all 25 reconciled after the kill");
    expect(Date.now() - killedAt).toBeLessThan(TAKEOVER_MS);
    const numbers = await numbersAtB(p);
    expect(numbers).toHaveLength(25);
    expect(new Set(numbers).size).toBe(25);
  }, 120_000);

  it("killed during a status poll: another worker takes the poll lease over within 30 s and records the status once", async () => {
    const p = await createIsolatedSyncPair();
    cleanup.push(() => p.dispose());
    const proxy = await interceptingProxy(cleanup, p.apiUrl);
    await routeIntegration(p, proxy.url);
    const env = { SYNC_POLL_SECONDS: "1" };
    const first = startWorker(cleanup, p.urlA, env);
    const [order] = await handOver(p, 1);
    await until(async () => (await sentAtA(p)) === 1, 30_000, "the order handed over");

    // The agent delivers it; the next poll that brings COMPLETE home is the moment of the kill.
    let killedAt = 0;
    const killed = new Promise<void>((resolve) =>
      proxy.holdNext(
        (req, answer) => req.includes("<statusreq") && answer.includes(order!.number) && answer.includes("COMPLETE"),
        async () => {
          await kill(first);
          killedAt = Date.now();
          resolve();
          await new Promise(() => {});
        },
      ),
    );
    const [atB] = await p.b.db.select({ id: orders.id }).from(orders).where(eq(orders.number, order!.number));
    await setOrderStatus({ ctx: p.ctxB, input: { id: atB!.id, status: "COMPLETE" } });
    await killed;
    expect(await agentStatuses(p, order!.id, "COMPLETE")).toBe(0);

    startWorker(cleanup, p.urlA, env);
    await until(
      async () => (await agentStatuses(p, order!.id, "COMPLETE")) > 0,
      TAKEOVER_MS,
      "the status after the kill",
    );
    expect(Date.now() - killedAt).toBeLessThan(TAKEOVER_MS);
    await new Promise((r) => setTimeout(r, 3_000)); // a few more polls: the status must not be recorded again
    expect(await agentStatuses(p, order!.id, "COMPLETE")).toBe(1);
  }, 120_000);
});
