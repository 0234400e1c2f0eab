import { and, count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { hookDeliveries, integrations, orderStatusHistory, orders, transfers } from "@/db/schema";
import { createOrders, createTenant, today } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { startHookServer } from "@/db/test/hook-server";
import { fakeIntegrator } from "@/server/integrators/__tests__/fake";
import { startFakePartner } from "@/server/integrators/__tests__/fake/partner-server";
import { registerIntegrator } from "@/server/integrators/registry";
import type { IntegratorAdapter } from "@/server/integrators/types";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "@/server/services/manifests";
import { startWorker } from "@/server/worker/runner";
import { processHookDeliveries } from "../hooks";
import { resolveSubmitted } from "../resolve";
import { runTransfers, sweepStuckTransfers } from "../transfer";

// The one registry line of a partner outside the catalog: the engine finds it like any other.
registerIntegrator(fakeIntegrator as unknown as IntegratorAdapter);

const SECRET = "fake-hook-secret";
const FAST = { baseDelayMs: 5, maxDelayMs: 20, giveUpAfterMs: 60_000 };
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let partner: Awaited<ReturnType<typeof startFakePartner>>;
let hookServer: Awaited<ReturnType<typeof startHookServer>>;
let hookBase: string;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 6 });
  // The route handler reads the app's database (getDb) from DATABASE_URL: this file's own database.
  process.env.DATABASE_URL = iso.url;
  hookServer = await startHookServer();
  hookBase = hookServer.hooksUrl;
});

// Each test gets a partner of its own: order numbers start afresh in every tenant.
afterEach(async () => {
  await partner?.close();
});

afterAll(async () => {
  await hookServer?.close();
  await conn?.sql.end();
  await iso?.drop();
});

/** A tenant whose branch hands orders to the fake partner; `n` orders given a send date (their transfers queued). */
async function setUp(n: number) {
  const db = conn.db;
  partner = await startFakePartner(SECRET);
  const t = await createTenant(db);
  const [integration] = await db
    .insert(integrations)
    .values({
      companyId: t.company.id,
      branchId: t.branch.id,
      integrator: "fake",
      settings: { apiUrl: partner.apiUrl, hookSecret: SECRET },
    })
    .returning();
  partner.setHookUrl(`${hookBase}/fake/${integration!.hookKey}`);
  const created = await createOrders(db, t.company.id, t.client.id, n);
  const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
  await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
  await markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } });
  await setManifestSendDate({ ctx: t.staffCtx, input: { id: m.id, sendDate: today() } });
  return { t, integration: integration!, numbers: created.map((o) => o.number), ids: created.map((o) => o.id) };
}

async function states(integrationId: number) {
  const rows = await conn.db
    .select({
      number: transfers.partnerNumber,
      state: transfers.state,
      code: transfers.partnerOrderCode,
      error: transfers.lastError,
    })
    .from(transfers)
    .where(eq(transfers.integrationId, integrationId));
  return new Map(rows.map((r) => [r.number, r]));
}

const createdAtPartner = (numbers: string[]) => numbers.map((n) => partner.created.filter((c) => c === n).length);

describe("a partner that accepts asynchronously and pushes webhooks (the fake integrator)", () => {
  it("submitted, then resolved by its webhook; a redelivery changes nothing; statuses come by webhook too", async () => {
    const { integration, numbers, ids } = await setUp(3);
    const run = await runTransfers(conn.db, integration.id, { policy: FAST });
    expect(run).toMatchObject({ sent: 0, submitted: 3, failed: 0 });
    expect([...(await states(integration.id)).values()].map((s) => s.state)).toEqual([
      "submitted",
      "submitted",
      "submitted",
    ]);

    expect(await partner.finish(numbers[0]!, "ok")).toBe(200);
    expect(await partner.finish(numbers[1]!, "invalid", true, "нет такого города")).toBe(200);
    // Redelivery of the same delivery id: answered, stored once.
    const again = await partner.push({ orders: [{ number: numbers[0], code: "x", state: "invalid" }] }, "d-1");
    expect(again).toBe(200);
    const [stored] = await conn.db
      .select({ n: count() })
      .from(hookDeliveries)
      .where(eq(hookDeliveries.integrationId, integration.id));
    expect(stored!.n).toBe(2);

    expect(await processHookDeliveries(conn.db, integration.id)).toBe(2);
    const after = await states(integration.id);
    const first = partner.orders.get(after.get(numbers[0]!)!.code!);
    expect(after.get(numbers[0]!)).toMatchObject({ state: "sent" });
    expect(first?.number).toBe(numbers[0]);
    expect(after.get(numbers[1]!)).toMatchObject({ state: "failed", error: "нет такого города" });
    expect(after.get(numbers[2]!)).toMatchObject({ state: "submitted" });
    expect(await processHookDeliveries(conn.db, integration.id)).toBe(0);

    // A status pushed by the partner lands in the order's history through the lifecycle.
    expect(
      await partner.push({ statuses: [{ number: numbers[0], status: "delivered", at: "2026-11-29T10:00:00Z" }] }),
    ).toBe(200);
    await processHookDeliveries(conn.db, integration.id);
    const [order] = await conn.db.select({ status: orders.status }).from(orders).where(eq(orders.id, ids[0]!));
    expect(order!.status).toBe("COMPLETE");
    const [agent] = await conn.db
      .select({ n: count() })
      .from(orderStatusHistory)
      .where(and(eq(orderStatusHistory.orderId, ids[0]!), eq(orderStatusHistory.source, "agent")));
    expect(agent!.n).toBe(1);
    expect(createdAtPartner(numbers)).toEqual([1, 1, 1]);
  });

  it("refuses a delivery with a wrong signature, an unknown key or another integrator's address", async () => {
    const { integration } = await setUp(1);
    const body = JSON.stringify({ id: "forged", orders: [] });
    const post = (url: string, signature: string) =>
      fetch(url, { method: "POST", headers: { "x-fake-signature": signature }, body }).then((r) => r.status);
    expect(await post(`${hookBase}/fake/${integration.hookKey}`, "00".repeat(32))).toBe(401);
    expect(await post(`${hookBase}/fake/${"0".repeat(64)}`, "00")).toBe(404);
    expect(await post(`${hookBase}/measoft/${integration.hookKey}`, "00")).toBe(404);
    expect(await post(`${hookBase}/fake/${integration.id}`, "00")).toBe(404);
    const [stored] = await conn.db
      .select({ n: count() })
      .from(hookDeliveries)
      .where(eq(hookDeliveries.integrationId, integration.id));
    expect(stored!.n).toBe(0);
  });

  it("resolved by asking when the webhook is lost; a late webhook then changes nothing", async () => {
    const { integration, numbers } = await setUp(2);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    expect(await partner.finish(numbers[0]!, "ok")).toBe(200); // delivered
    await partner.finish(numbers[1]!, "ok", false); // lost
    await processHookDeliveries(conn.db, integration.id);
    await new Promise((r) => setTimeout(r, 30));
    const resolved = await resolveSubmitted(conn.db, integration.id, FAST);
    expect(resolved).toMatchObject({ asked: 1, sent: 1, failed: 0 });
    const s = await states(integration.id);
    expect([s.get(numbers[0]!)!.state, s.get(numbers[1]!)!.state]).toEqual(["sent", "sent"]);

    // The lost delivery arrives after all, with a contradicting verdict: a settled transfer does not move again.
    expect(await partner.push({ orders: [{ number: numbers[1], code: "late", state: "invalid" }] })).toBe(200);
    await processHookDeliveries(conn.db, integration.id);
    expect((await states(integration.id)).get(numbers[1]!)).toMatchObject({ state: "sent", error: null });
    expect(createdAtPartner(numbers)).toEqual([1, 1]);
  });

  it("resolved by asking alone: orders wait while the partner still processes them, then its verdicts are read", async () => {
    const { integration, numbers } = await setUp(2);
    await runTransfers(conn.db, integration.id, { policy: FAST });
    await new Promise((r) => setTimeout(r, 30));
    expect(await resolveSubmitted(conn.db, integration.id, FAST)).toMatchObject({ sent: 0, failed: 0, waiting: 2 });

    // No webhook ever arrives: the verdicts are only there to be asked for.
    await partner.finish(numbers[0]!, "ok", false);
    await partner.finish(numbers[1]!, "invalid", false, "нет такого города");
    await new Promise((r) => setTimeout(r, 30));
    expect(await resolveSubmitted(conn.db, integration.id, FAST)).toMatchObject({ sent: 1, failed: 1 });
    const s = await states(integration.id);
    expect(s.get(numbers[0]!)).toMatchObject({ state: "sent" });
    expect(s.get(numbers[1]!)).toMatchObject({ state: "failed", error: "нет такого города" });
    expect(createdAtPartner(numbers)).toEqual([1, 1]);
  });

  it("a crash between submit and resolve never creates a second order at the partner", async () => {
    const { integration, numbers } = await setUp(4);
    // The job dies after the partner took the orders and before our commit: its claims outlive it.
    const crash = runTransfers(conn.db, integration.id, {
      policy: FAST,
      lockMs: 50,
      afterPartnerAccepted: () => Promise.reject(new Error("worker killed")),
    });
    await expect(crash).rejects.toThrow("worker killed");
    expect(createdAtPartner(numbers)).toEqual([1, 1, 1, 1]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await sweepStuckTransfers(conn.db)).toBeGreaterThanOrEqual(4);

    // The retry looks every order up by our number first: all four are found, none is sent again.
    const retry = await runTransfers(conn.db, integration.id, { policy: FAST });
    expect(retry).toMatchObject({ submitted: 4, failed: 0 });
    expect(createdAtPartner(numbers)).toEqual([1, 1, 1, 1]);

    await partner.finish(numbers[0]!, "ok", false);
    await new Promise((r) => setTimeout(r, 30));
    expect(await resolveSubmitted(conn.db, integration.id, FAST)).toMatchObject({ sent: 1, waiting: 3 });
    expect(createdAtPartner(numbers)).toEqual([1, 1, 1, 1]);
  });

  it("the worker's declared jobs carry it end to end: hand-over, webhook, verdict", async () => {
    const { integration, numbers } = await setUp(2);
    const worker = await startWorker({ databaseUrl: iso.url, pollSeconds: 3600, log: () => {} });
    try {
      await until(async () => [...(await states(integration.id)).values()].every((s) => s.state === "submitted"));
      for (const n of numbers) expect(await partner.finish(n, "ok")).toBe(200);
      await until(async () => [...(await states(integration.id)).values()].every((s) => s.state === "sent"));
      expect(createdAtPartner(numbers)).toEqual([1, 1]);
    } finally {
      await worker.stop(2_000);
    }
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
