import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { runMigrations } from "../db/migrate";
import { orders, orderStatusHistory } from "../db/schema";
import { createOrders, today } from "../db/test/factories";
import { createSyncPair } from "../db/test/sync-pair";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "../server/services/manifests";
import { startWorker } from "../server/worker/runner";
import type { Bench } from "./index";

// Forwards 5,000 orders from A to B through B's real XML API over loopback (two databases, one worker for A),
// then brings 5,000 status changes back through the change feed. Send dates are set manifest by manifest, the way
// operators hand bags over, and each order's latency runs from its manifest's send date to its creation at B.

const TOTAL = Number(process.env.BENCH_SYNC_ORDERS ?? 5000);
const PER_MANIFEST = 100;
const PACE_MS = Number(process.env.BENCH_SYNC_PACE_MS ?? 250);
const POLL_SECONDS = Number(process.env.SYNC_POLL_SECONDS ?? 10);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export const syncTransfer: Bench = {
  name: "sync-transfer",
  async run() {
    const server = await ensureDatabaseServer({
      dataDir: ".data/pg-bench",
      port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54359),
      log: () => {},
    });
    const stamp = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const names = [`kh_bench_a_${stamp}`, `kh_bench_b_${stamp}`];
    for (const n of names) {
      await createDatabaseIfMissing(server.adminUrl, n);
      await runMigrations(withDatabase(server.adminUrl, n));
    }
    const [urlA, urlB] = names.map((n) => withDatabase(server.adminUrl, n)) as [string, string];
    const partner = await startPartnerProcess(urlB);
    const p = await createSyncPair(urlA, urlB, { externalApiUrl: partner.url });
    const worker = await startWorker({
      databaseUrl: urlA,
      pollSeconds: POLL_SECONDS,
      log: process.env.BENCH_VERBOSE
        ? (m) => console.log(`  [${new Date().toISOString().slice(11, 23)}] ${m}`)
        : () => {},
    });
    try {
      const created = await createOrders(p.a.db, p.companyA.id, p.shopA.id, TOTAL);
      const bags: { ids: number[]; numbers: string[] }[] = [];
      for (let i = 0; i < created.length; i += PER_MANIFEST) {
        const slice = created.slice(i, i + PER_MANIFEST);
        const m = await createManifest({ ctx: p.ctxA, input: { responsibleBranchId: p.branchA.id } });
        await addOrdersToManifest({ ctx: p.ctxA, input: { manifestId: m.id, orderIds: slice.map((o) => o.id) } });
        await markManifestAssembled({ ctx: p.ctxA, input: { id: m.id } });
        bags.push({ ids: [m.id], numbers: slice.map((o) => o.number) });
      }

      // Hand-over, twice: paced (a bag of 100 every PACE_MS, the offered load of a busy depot) for latency, then the
      // rest as a burst (every send date at once) for the throughput ceiling.
      const half = Math.floor(bags.length / 2);
      const paced = await handOver(p, bags.slice(0, half), PACE_MS);
      const burst = await handOver(p, bags.slice(half), 0);
      const rate = (xs: { latency: number; arrivedAt: number; sentAt: number }[]) =>
        xs.length / ((Math.max(...xs.map((x) => x.arrivedAt)) - Math.min(...xs.map((x) => x.sentAt))) / 1000);

      // Statuses back: B's operators move every order to DELIVERY, in chunks as a busy dispatch desk would.
      const atB = await p.b.db
        .select({ id: orders.id, number: orders.number })
        .from(orders)
        .where(eq(orders.companyId, p.companyB.id));
      const changedAt = new Map<string, number>();
      for (let i = 0; i < atB.length; i += 500) {
        const chunk = atB.slice(i, i + 500);
        await p.b.db.transaction(async (tx) => {
          const now = new Date();
          await tx.insert(orderStatusHistory).values(
            chunk.map((o) => ({
              orderId: o.id,
              companyId: p.companyB.id,
              status: "DELIVERY",
              eventTime: now,
              source: "cabinet" as const,
            })),
          );
          await tx
            .update(orders)
            .set({ status: "DELIVERY", statusAt: now, updatedAt: sql`now()` })
            .where(
              and(
                eq(orders.companyId, p.companyB.id),
                inArray(
                  orders.id,
                  chunk.map((o) => o.id),
                ),
              ),
            );
        });
        const t = Date.now();
        for (const o of chunk) changedAt.set(o.number, t);
        if (process.env.BENCH_VERBOSE)
          console.log(`  [${new Date(t).toISOString().slice(11, 23)}] B changed ${i + chunk.length}`);
      }
      const back = await waitFor(async () => {
        const rows = await p.a.db
          .select({ number: orders.number, at: orderStatusHistory.createdAt })
          .from(orderStatusHistory)
          .innerJoin(orders, eq(orders.id, orderStatusHistory.orderId))
          .where(and(eq(orderStatusHistory.source, "agent"), eq(orderStatusHistory.status, "DELIVERY")));
        return rows.length >= TOTAL ? rows : null;
      }, 600_000);
      const statusLatency = back.map((r) => r.at.getTime() - changedAt.get(r.number)!);

      const lat = (xs: { latency: number }[]) => xs.map((x) => x.latency);
      console.log(
        `paced hand-over:           ${paced.length} orders offered at ${((PER_MANIFEST * 1000) / PACE_MS).toFixed(0)} orders/s → delivered at ${rate(paced).toFixed(0)} orders/s`,
      );
      console.log(
        `transfer latency (paced):  p50 ${sec(pct(lat(paced), 50))}, p95 ${sec(pct(lat(paced), 95))} (send date set → order exists at B; target p95 ≤ 2 s)`,
      );
      console.log(
        `burst hand-over:           ${burst.length} orders, every send date at once → ${rate(burst).toFixed(0)} orders/s (target ≥ 300)`,
      );
      console.log(`transfer latency (burst):  p50 ${sec(pct(lat(burst), 50))}, p95 ${sec(pct(lat(burst), 95))}`);
      console.log(`status changes back B→A:   ${TOTAL}, poll interval ${POLL_SECONDS} s`);
      console.log(
        `status propagation:        p50 ${sec(pct(statusLatency, 50))}, p95 ${sec(pct(statusLatency, 95))} (target p95 ≤ ${POLL_SECONDS} s)`,
      );
    } finally {
      await worker.stop();
      partner.stop();
      await p.close();
      for (const n of names) await dropDatabase(server.adminUrl, n);
      await server.stop();
    }
  },
};

/** Sets the bags' send dates (one every `paceMs`) and waits until all their orders exist at B. */
async function handOver(
  p: Awaited<ReturnType<typeof createSyncPair>>,
  bags: { ids: number[]; numbers: string[] }[],
  paceMs: number,
) {
  const sentAt = new Map<string, number>();
  const start = Date.now();
  for (const [i, bag] of bags.entries()) {
    if (paceMs) await new Promise((r) => setTimeout(r, Math.max(0, start + i * paceMs - Date.now())));
    await setManifestSendDate({ ctx: p.ctxA, input: { id: bag.ids[0]!, sendDate: today() } });
    const t = Date.now();
    for (const n of bag.numbers) sentAt.set(n, t);
  }
  const rows = await waitFor(async () => {
    const got = await p.b.db
      .select({ number: orders.number, createdAt: orders.createdAt })
      .from(orders)
      .where(and(eq(orders.companyId, p.companyB.id), inArray(orders.number, [...sentAt.keys()])));
    return got.length >= sentAt.size ? got : null;
  }, 600_000);
  return rows.map((r) => ({
    sentAt: sentAt.get(r.number)!,
    arrivedAt: r.createdAt.getTime(),
    latency: r.createdAt.getTime() - sentAt.get(r.number)!,
  }));
}

/** B's XML API as its own process: the partner's CPU is not ours, as between two real deployments. */
async function startPartnerProcess(databaseUrl: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/partner-server.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const m = /PORT (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`partner server exited (${code})`)));
  });
  // A partner on loopback is an internal address: list it, as a deployment lists its local stand-ins.
  const allowed = process.env.INTEGRATION_ALLOWED_HOSTS;
  process.env.INTEGRATION_ALLOWED_HOSTS = [allowed, `127.0.0.1:${port}`].filter(Boolean).join(",");
  return { url: `http://127.0.0.1:${port}/api/`, stop: () => child.kill("SIGTERM") };
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("benchmark timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
