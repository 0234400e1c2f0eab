import { and, eq, inArray, isNotNull, sql as q } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { integrations, transfers } from "../db/schema";
import { createOrders, createTenant, today } from "../db/test/factories";
import { startHookServer } from "../db/test/hook-server";
import { syncSubscriptions } from "../server/services/exchange/subscriptions";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "../server/services/manifests";
import { startWorker } from "../server/worker/runner";
import type { Bench } from "./index";
import { benchDatabase, spawnStandIn } from "./support";

// 2,000 orders to CDEK: the stand-in as its own process, answering each create in 200–500 ms as CDEK does under load,
// its verdicts coming back as ORDER_STATUS webhooks to the real hook route; one worker. Every send date is set at once.

const TOTAL = Number(process.env.BENCH_CDEK_ORDERS ?? 2000);
const PER_MANIFEST = 100;
const PACE_MS = Number(process.env.BENCH_CDEK_PACE_MS ?? 1250);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export const cdekTransfer: Bench = {
  name: "cdek-transfer",
  async run() {
    const database = await benchDatabase("cdek");
    const url = database.url;
    const cdek = await spawnStandIn("server/stand-ins/cdek/main.ts", { CDEK_STAND_IN_PORT: "0" });
    await control(cdek.url, "configure", { createDelayMs: [200, 500], validateDelayMs: 300 });
    // The hook route reads the app's database and address from the environment: this bench's, put back afterwards.
    const saved = { DATABASE_URL: process.env.DATABASE_URL, PUBLIC_URL: process.env.PUBLIC_URL };
    process.env.DATABASE_URL = url;
    const hooks = await startHookServer();
    process.env.PUBLIC_URL = hooks.base;
    const { db, sql } = createDatabase(url, { max: 8 });
    const t = await createTenant(db);
    const [integration] = await db
      .insert(integrations)
      .values({
        companyId: t.company.id,
        branchId: t.branch.id,
        integrator: "cdek",
        settings: {
          account: "demo-account",
          securePassword: "demo-secure",
          apiUrl: cdek.url,
          tariffCode: 136,
          shipmentPoint: "MSK1",
          defaultDimensions: "30x20x10",
        },
      })
      .returning();
    await syncSubscriptions(db);
    const worker = await startWorker({ databaseUrl: url, log: () => {} });
    try {
      const created = await createOrders(db, t.company.id, t.client.id, TOTAL);
      const bags: number[] = [];
      for (let i = 0; i < created.length; i += PER_MANIFEST) {
        const ids = created.slice(i, i + PER_MANIFEST).map((o) => o.id);
        const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
        await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: ids } });
        await markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } });
        bags.push(m.id);
      }
      // Paced first (a bag of 100 every PACE_MS: the offered load of a busy depot) for latency, then the rest as a
      // burst (every send date at once) for the throughput ceiling.
      const half = Math.floor(bags.length / 2);
      const paced = await handOver(
        db,
        t,
        integration!.id,
        bags.slice(0, half),
        created.slice(0, half * PER_MANIFEST),
        PACE_MS,
      );
      const burst = await handOver(db, t, integration!.id, bags.slice(half), created.slice(half * PER_MANIFEST), 0);
      const counters = (await control(cdek.url, "counters", undefined, "GET")) as Record<string, unknown>;
      console.log(`orders:                    ${TOTAL}, CDEK create answers in 200–500 ms, verdict after 300 ms`);
      const offered = ((PER_MANIFEST * 1000) / PACE_MS).toFixed(0);
      for (const [label, r] of [
        [`paced (${offered}/s offered)`, paced],
        ["burst (all at once)", burst],
      ] as const) {
        console.log(
          `${label.padEnd(27)}${r.orders} orders to CDEK at ${r.rate.toFixed(0)} orders/s; send date → uuid stored p50 ${sec(pct(r.toUuid, 50))}, p95 ${sec(pct(r.toUuid, 95))}; → cdek_number p50 ${sec(pct(r.toNumber, 50))}, p95 ${sec(pct(r.toNumber, 95))}`,
        );
      }
      const [hooks] = await db.execute<{ n: number; wait_p50: number; wait_p95: number }>(q`
        select count(*)::int as n,
          percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at))::float as wait_p50,
          percentile_cont(0.95) within group (order by extract(epoch from processed_at - received_at))::float as wait_p95
        from hook_deliveries where integration_id = ${integration!.id} and processed_at is not null`);
      console.log(
        `webhooks worked off:       ${hooks!.n}, received → worked off p50 ${hooks!.wait_p50.toFixed(2)} s, p95 ${hooks!.wait_p95.toFixed(2)} s`,
      );
      console.log(
        "targets:                   ≥ 100 orders/s within CDEK's 200 rps; p95 send date → uuid ≤ 2 s (paced)",
      );
      console.log(
        `at the stand-in:           ${String(counters.ordersCreated)} orders created, ${String(counters.rateLimited)} answers 429, ${String(counters.tokenRequests)} token requests; left failed or waiting here: ${burst.unsent + paced.unsent}`,
      );
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await worker.stop();
      await hooks.close();
      cdek.stop();
      await sql.end();
      await database.drop();
    }
  },
};

/**
 * Sets the bags' send dates (one every `paceMs`), then follows their transfers: the uuid is stored with the
 * transfer's sentAt; the cdek_number is known when its state becomes «sent».
 */
async function handOver(
  db: ReturnType<typeof createDatabase>["db"],
  t: Awaited<ReturnType<typeof createTenant>>,
  integrationId: number,
  bags: number[],
  orders: { id: number }[],
  paceMs: number,
) {
  const sentAt = new Map<number, number>();
  const start = Date.now();
  for (const [i, id] of bags.entries()) {
    if (paceMs) await new Promise((r) => setTimeout(r, Math.max(0, start + i * paceMs - Date.now())));
    await setManifestSendDate({ ctx: t.staffCtx, input: { id, sendDate: today() } });
    const at = Date.now();
    for (const o of orders.slice(i * PER_MANIFEST, (i + 1) * PER_MANIFEST)) sentAt.set(o.id, at);
  }
  const ids = [...sentAt.keys()];
  const uuidAt = new Map<number, number>();
  const numberAt = new Map<number, number>();
  const deadline = Date.now() + 600_000;
  while (numberAt.size < ids.length && Date.now() < deadline) {
    const rows = await db
      .select({ orderId: transfers.orderId, state: transfers.state, sentAt: transfers.sentAt })
      .from(transfers)
      .where(
        and(
          eq(transfers.integrationId, integrationId),
          isNotNull(transfers.partnerRef),
          inArray(transfers.orderId, ids),
        ),
      );
    const now = Date.now();
    for (const r of rows) {
      if (!uuidAt.has(r.orderId) && r.sentAt) uuidAt.set(r.orderId, r.sentAt.getTime());
      if (r.state === "sent" && !numberAt.has(r.orderId)) numberAt.set(r.orderId, now);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const first = Math.min(...sentAt.values());
  const last = Math.max(...uuidAt.values());
  return {
    orders: uuidAt.size,
    rate: uuidAt.size / ((last - first) / 1000),
    toUuid: [...uuidAt].map(([id, at]) => at - sentAt.get(id)!),
    toNumber: [...numberAt].map(([id, at]) => at - sentAt.get(id)!),
    unsent: ids.length - numberAt.size,
  };
}

async function control(base: string, path: string, body?: unknown, method = "POST") {
  const res = await fetch(`${base}/_control/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<unknown>;
}
