import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { eq, sql as q } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { hookDeliveries, inboundOrders, integrationSync, orders } from "../db/schema";
import { startHookServer } from "../db/test/hook-server";
import { linkInstalledShop, startAppStub, TRIGGER } from "../server/integrators/insales/__tests__/link-shop-core";
import { syncSubscriptions } from "../server/services/exchange/subscriptions";
import type { Bench } from "./index";
import { benchDatabase, spawnStandIn, standInControl } from "./support";

// 2,000 InSales orders reaching the trigger status, twice: (A) webhooks delivered to the real hook route, worked off by
// the real worker (a child process, its sync-hooks job re-reading each named order); (B) every webhook lost, only the
// worker's sync-inbound poller, on a short bench interval. Latency: the stand-in's status change → our order committed.

const TOTAL = Number(process.env.BENCH_INSALES_ORDERS ?? 2000);
/** Status changes per second the shop makes (offered load), spread over 100 ms ticks. */
const RATE = Number(process.env.BENCH_INSALES_RATE ?? 100);
const POLL_SECONDS = Number(process.env.BENCH_INSALES_POLL_SECONDS ?? 5);
/** Run A's lost-webhook fraction: 0 by default, so run A measures the webhook path alone. */
const LOSE_A = Number(process.env.BENCH_INSALES_LOSE ?? 0);
/** Run A's re-read of every webhooked order alone would exceed InSales' 500 requests / 5 min many times over. */
const REAL_LIMIT = { requests: 500, windowMs: 300_000 };
const OBSERVE_MS = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Db = ReturnType<typeof createDatabase>["db"];
interface Shop {
  insalesId: number;
  host: string;
  apiBase: string;
}

export const insalesInbound: Bench = {
  name: "insales-inbound",
  async run() {
    const database = await benchDatabase("insales");
    const url = database.url;
    const app = await startAppStub();
    const standIn = await spawnStandIn("server/stand-ins/insales/main.ts", {
      INSALES_STAND_IN_PORT: "0",
      INSALES_APP_INSTALL_URL: app.appUrls.install,
      INSALES_APP_UNINSTALL_URL: app.appUrls.uninstall,
      INSALES_APP_LOGIN_URL: app.appUrls.login,
    });
    const control = standInControl(standIn.url);
    // The hook route and the adapter read the app's database, address and InSales app id from the environment.
    const saved = {
      DATABASE_URL: process.env.DATABASE_URL,
      PUBLIC_URL: process.env.PUBLIC_URL,
      INSALES_APP_ID: process.env.INSALES_APP_ID,
    };
    process.env.DATABASE_URL = url;
    const hooks = await startHookServer();
    process.env.PUBLIC_URL = hooks.base;
    process.env.INSALES_APP_ID = ((await control("info", undefined, "GET")) as { appId: string }).appId;
    const { db, sql } = createDatabase(url, { max: 4 });
    try {
      // Both shops linked and stocked (through the control API, outside the rate limit) before the webhooks are
      // registered: creating the orders is not measured.
      const shops: { shop: Shop; id: number; clientId: number; ids: number[] }[] = [];
      for (let i = 0; i < 2; i++) {
        const shop = (await control("shops", {})) as Shop;
        const installed = (await control("install", { shop: shop.insalesId })) as { password?: string };
        if (!installed.password) throw new Error("приложение не установилось в магазин заглушки");
        const { t, id } = await linkInstalledShop(db, shop, installed.password);
        const ids = await inParallel(TOTAL, 16, async () => {
          const o = (await control("orders", { shop: shop.insalesId })) as { id: number };
          return o.id;
        });
        shops.push({ shop, id, clientId: t.client.id, ids });
      }
      await syncSubscriptions(db);
      const [a, b] = shops as [(typeof shops)[number], (typeof shops)[number]];
      const registered = (await control("webhooks", undefined, "GET", { shop: String(a.shop.insalesId) })) as unknown[];
      if (registered.length === 0) throw new Error("вебхуки в магазине заглушки не зарегистрированы");

      // B first, under the real rate limit: every webhook lost, the poller every POLL_SECONDS; its first pull (the
      // backlog of orders not yet at the trigger) is let through before the clock starts, as in a long-running
      // deployment. (Run A's 2,000 re-reads would leave its shop's window full under the real limit.)
      await control("configure", { loseWebhooks: 1, rateLimit: REAL_LIMIT });
      const runB = await measure(db, control, b, { INBOUND_POLL_SECONDS: String(POLL_SECONDS) });
      const countersB = (await control("counters", undefined, "GET")) as Record<string, number>;

      // A: the deployment's default poll interval (60 s), so orders come in through webhooks; the poller's own imports
      // are counted from the worker's log.
      await control("configure", { loseWebhooks: LOSE_A, rateLimit: REAL_LIMIT });
      await control("counters/reset", {});
      const runA = await measure(db, control, a, {});
      const countersA = (await control("counters", undefined, "GET")) as Record<string, number>;
      if (process.env.BENCH_VERBOSE) console.log(JSON.stringify({ countersA, countersB }));

      console.log(
        `orders:                    ${TOTAL} per run, moved to «${TRIGGER}» at ${RATE}/s by the stand-in (its own process); one worker process`,
      );
      const line = (label: string, r: Awaited<ReturnType<typeof measure>>, target: string) => {
        console.log(
          `${label.padEnd(27)}${r.latency.length}/${TOTAL} imported at ${r.rate.toFixed(0)}/s; status change → order committed p50 ${sec(pct(r.latency, 50))}, p95 ${sec(pct(r.latency, 95))}, max ${sec(Math.max(...r.latency))} (${target})`,
        );
        console.log(
          `${"".padEnd(27)}→ orders.created_at (transaction start, a lower bound) p50 ${sec(pct(r.createdLatency, 50))}, p95 ${sec(pct(r.createdLatency, 95))}; duplicates ${r.duplicates} (must be 0), held with an error ${r.held}, poller imports ${r.pollerImported}`,
        );
      };
      console.log(
        `machine:                   ${availableParallelism()} cores, load average (1 min) during A ${runA.load}, during B ${runB.load}: figures are noisy`,
      );
      line("A: webhooks", runA, "target p95 ≤ 5 s");
      console.log(
        `${"".padEnd(27)}webhooks sent ${countersA.webhooksSent}, lost ${countersA.webhooksLost} (lose fraction ${LOSE_A}), failed ${countersA.webhookFailures} (no answer within the stand-in's 10 s; stored here all the same if the route finished); poll interval 60 s (default)`,
      );
      console.log(
        `${"".padEnd(27)}change → webhook stored here p50 ${sec(pct(runA.toStored, 50))}, p95 ${sec(pct(runA.toStored, 95))}; stored → worked off (transaction start) p50 ${runA.hookWait.p50.toFixed(2)} s, p95 ${runA.hookWait.p95.toFixed(2)} s`,
      );
      console.log(
        `${"".padEnd(27)}real rate limit 500 req / 5 min per shop (a burst of webhooks is read page-wise, not order by order); answers 503: ${countersA.rateLimited}`,
      );
      line("B: poller only", runB, `target p95 ≤ one poll interval, ${POLL_SECONDS} s here`);
      console.log(
        `${"".padEnd(27)}every webhook lost (${countersB.webhooksLost}); INBOUND_POLL_SECONDS=${POLL_SECONDS} (bench; default 60); real rate limit 500 req / 5 min, answers 503: ${countersB.rateLimited}`,
      );
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await hooks.close();
      standIn.stop();
      await app.close();
      await sql.end();
      await database.drop();
    }
  },
};

/**
 * One run: a fresh worker process, the shop's orders moved to the trigger at RATE/s, each order's commit here seen by
 * a poll of the import table every OBSERVE_MS.
 */
async function measure(
  db: Db,
  control: ReturnType<typeof standInControl>,
  run: { shop: Shop; id: number; clientId: number; ids: number[] },
  env: Record<string, string>,
) {
  const loadBefore = loadavg()[0]!;
  const worker = await spawnWorker(env);
  try {
    if (env.INBOUND_POLL_SECONDS) await untilCursor(db, run.id, Math.max(...run.ids), 60_000);
    const changedAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    const createdAt = new Map<string, number>();
    // Observed until every order is in, or a minute (plus three poll intervals) after the last change.
    let lastMove = Infinity;
    const drainMs = 60_000 + 3 * Number(env.INBOUND_POLL_SECONDS ?? 0) * 1000;
    const observer = (async () => {
      while (seenAt.size < run.ids.length && Date.now() < lastMove + drainMs) {
        const rows = await db
          .select({ partnerOrderId: inboundOrders.partnerOrderId, createdAt: orders.createdAt })
          .from(inboundOrders)
          .innerJoin(orders, eq(orders.id, inboundOrders.orderId))
          .where(eq(inboundOrders.integrationId, run.id));
        const now = Date.now();
        for (const r of rows)
          if (!seenAt.has(r.partnerOrderId)) {
            seenAt.set(r.partnerOrderId, now);
            createdAt.set(r.partnerOrderId, r.createdAt.getTime());
          }
        await wait(OBSERVE_MS);
      }
    })();
    const perTick = Math.max(1, Math.round(RATE / 10));
    const start = Date.now();
    for (let i = 0; i < run.ids.length; i += perTick) {
      await wait(Math.max(0, start + (i / perTick) * 100 - Date.now()));
      await Promise.all(
        run.ids.slice(i, i + perTick).map(async (id) => {
          const o = (await control("orders/status", { shop: run.shop.insalesId, id, status: TRIGGER })) as {
            updated_at: string;
          };
          // The stand-in's own stamp of the change (same machine clock), not when our request came back.
          changedAt.set(String(id), Date.parse(o.updated_at));
        }),
      );
    }
    lastMove = Date.now();
    await observer;
    const latency = [...seenAt].map(([id, at]) => at - changedAt.get(id)!);
    const rate = seenAt.size / ((Math.max(...seenAt.values()) - Math.min(...changedAt.values())) / 1000);
    // The first part of the webhook path: the stand-in's change → the delivery stored by our hook route.
    const stored = await db
      .select({
        id: q<string>`min(${hookDeliveries.body}::jsonb->>'id')`,
        at: q<Date>`min(${hookDeliveries.receivedAt})`,
      })
      .from(hookDeliveries)
      .where(eq(hookDeliveries.integrationId, run.id))
      .groupBy(q`${hookDeliveries.body}::jsonb->>'id'`);
    const toStored = stored
      .filter((r) => changedAt.has(r.id))
      .map((r) => new Date(r.at).getTime() - changedAt.get(r.id)!);
    const createdLatency = [...createdAt].map(([id, at]) => at - changedAt.get(id)!);
    const [counts] = await db.execute<{ orders: number; linked: number; held: number }>(q`
      select (select count(*)::int from ${orders} where ${orders.clientId} = ${run.clientId}) as orders,
        (select count(*)::int from ${inboundOrders} where ${inboundOrders.integrationId} = ${run.id}
          and ${inboundOrders.orderId} is not null) as linked,
        (select count(*)::int from ${inboundOrders} where ${inboundOrders.integrationId} = ${run.id}
          and ${inboundOrders.state} = 'error') as held`);
    const [hookWait] = await db.execute<{ p50: number | null; p95: number | null }>(q`
      select percentile_cont(0.5) within group (order by extract(epoch from ${hookDeliveries.processedAt} - ${hookDeliveries.receivedAt}))::float as p50,
        percentile_cont(0.95) within group (order by extract(epoch from ${hookDeliveries.processedAt} - ${hookDeliveries.receivedAt}))::float as p95
      from ${hookDeliveries} where ${hookDeliveries.integrationId} = ${run.id} and ${hookDeliveries.processedAt} is not null`);
    const stopped = await worker.stop();
    const pollerImported = stopped.log
      .map((l) => new RegExp(`интеграция ${run.id}: .*создано (\\d+)`).exec(l))
      .reduce((n, m) => n + (m ? Number(m[1]) : 0), 0);
    return {
      latency,
      createdLatency,
      // Our orders beyond one per shop order brought in (the import table holds one row per shop order).
      duplicates: counts!.orders - counts!.linked,
      held: counts!.held,
      pollerImported,
      hookWait: { p50: hookWait?.p50 ?? NaN, p95: hookWait?.p95 ?? NaN },
      rate,
      toStored,
      load: `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
    };
  } finally {
    await worker.stop();
  }
}

/**
 * Waits until the poller's first pull has read the whole backlog: the stored cursor (the InSales adapter's `{since,
 * id}` of the last order read) names the newest order stocked, the stand-in numbering orders in time order.
 */
async function untilCursor(db: Db, integrationId: number, lastId: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db
      .select({ cursor: q<string | null>`${integrationSync.partnerState}->>'inboundCursor'` })
      .from(integrationSync)
      .where(eq(integrationSync.integrationId, integrationId));
    if (row?.cursor && (JSON.parse(row.cursor) as { id?: number }).id === lastId) return;
    if (Date.now() > deadline) throw new Error("поллер не прочитал магазин");
    await wait(200);
  }
}

/** The real worker (`server/worker/index.ts`) as its own process, as deployed; its log kept for the poller's lines. */
async function spawnWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker/index.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const log: string[] = [];
  let buffered = "";
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const l of lines) {
        log.push(l);
        if (process.env.BENCH_VERBOSE) console.log(`  ${l}`);
        if (l.includes("запущен")) resolve();
      }
    });
    void exited.then(() => reject(new Error("worker exited before it started")));
  });
  let stopping: Promise<{ log: string[] }> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(timer);
        return { log };
      })();
      return stopping;
    },
  };
}

/** `n` results of `task`, at most `width` at a time. */
async function inParallel<T>(n: number, width: number, task: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        next++;
        out.push(await task());
      }
    }),
  );
  return out;
}
