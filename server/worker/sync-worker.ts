import cron from "node-cron";
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import { z } from "zod";
import { createDatabase } from "../../db/client";
import { integrations, integrationSync, orderChanges } from "../../db/schema";
import { integrationsWithDueCancels, runCancels } from "../services/exchange/cancel";
import { SYNC_CHANNEL } from "../services/exchange/queue";
import { pollPartnerStatuses } from "../services/exchange/status";
import { integrationsWithDueTransfers, runTransfers, sweepStuckTransfers } from "../services/exchange/transfer";
import { getIntegrator } from "../integrators/registry";
import { connectionMonitor, describe, type ConnectionMonitor } from "./health";
import { sweepSignInRecords } from "../services/security/throttle";

const payload = z.object({ integrationId: z.number().int().positive() });

export interface SyncWorkerOptions {
  databaseUrl: string;
  /** Seconds between change-feed polls of one integration (SYNC_POLL_SECONDS, default 30). */
  pollSeconds?: number;
  log?: (message: string) => void;
  /** Shared with the process guards, so an outage is one line however many places notice it. */
  monitor?: ConnectionMonitor;
}

const TRANSFER_CONCURRENCY = Number(process.env.SYNC_TRANSFER_CONCURRENCY ?? 3);

const QUEUES = { transfer: "sync-transfer", poll: "sync-poll", cancel: "sync-cancel" } as const;

/**
 * The exchange engine of one worker process. Any number may run at once: pg-boss keeps at most one queued job per
 * integration and queue, and every job claims its rows (or its poll lease) in PostgreSQL, so work is never doubled.
 */
export async function startSyncWorker(options: SyncWorkerOptions) {
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const monitor = options.monitor ?? connectionMonitor(log);
  const pollSeconds = options.pollSeconds ?? Number(process.env.SYNC_POLL_SECONDS ?? 30);
  const { db, sql: pg } = createDatabase(options.databaseUrl, { max: 6 });
  const boss = new PgBoss({ connectionString: options.databaseUrl, schema: "pgboss", max: 4 });
  let stopping = false;
  // On Ctrl-C PostgreSQL gets the signal too and closes connections under us: expected then, not worth a line.
  boss.on("error", (e) => {
    if (!stopping && !monitor.lost(e)) log(`pg-boss: ${e.message}`);
  });

  function enqueue(queue: string, integrationId: number) {
    return boss.send(queue, { integrationId }, { singletonKey: String(integrationId) }).catch((e: unknown) => {
      if (!monitor.lost(e)) log(`send ${queue}: ${describe(e)}`);
    });
  }

  /** A clock task that survives anything: an outage is reported once, other errors each time, and the next tick runs. */
  const guarded = (name: string, task: () => Promise<void>) => async () => {
    try {
      await task();
      monitor.ok();
    } catch (e) {
      if (!stopping && !monitor.lost(e)) log(`${name}: ${describe(e)}`);
    }
  };

  const work = (queue: string, run: (integrationId: number) => Promise<unknown>) =>
    boss.work(queue, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) {
        const parsed = payload.safeParse(job.data);
        if (!parsed.success) {
          log(`${queue}: bad payload ${JSON.stringify(job.data)}, dropped`);
          continue;
        }
        try {
          await run(parsed.data.integrationId);
        } catch (e) {
          // pg-boss retries the job; what is left behind (claims, a lease) the heartbeat lets go of within a lease.
          if (!stopping && !monitor.lost(e)) log(`${queue}: ${describe(e)}`);
          throw e;
        }
      }
    });

  let listener: Awaited<ReturnType<typeof pg.listen>>;
  try {
    await boss.start();
    for (const name of Object.values(QUEUES)) {
      // «short»: at most one queued job per integration, but no limit on running ones — a job of a killed worker must
      // not block the next (as «stately» would until it expires). Running twice is safe: transfers and cancellations
      // are claimed row by row, and a poll takes a lease (pollPartnerStatuses).
      await boss.createQueue(name, { name, policy: "short", retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 300 });
    }
    // Several loops per process: while one drains an integration's queue, a new notification starts another, and the
    // two split the batches (SKIP LOCKED), so a burst of send dates is handed over in parallel requests.
    for (let i = 0; i < TRANSFER_CONCURRENCY; i++) {
      await work(QUEUES.transfer, async (id) => {
        const r = await runTransfers(db, id);
        if (r.batches) log(`интеграция ${id}: передано ${r.sent}, ошибок ${r.failed}, к повтору ${r.retrying}`);
      });
    }
    await work(QUEUES.poll, async (id) => {
      const started = Date.now();
      const r = await pollPartnerStatuses(db, id);
      if (r.events) log(`интеграция ${id}: статусов от партнёра ${r.events}, записано ${r.applied}, несопоставлено ${r.unmapped} за ${Date.now() - started} мс (ответ партнёра ${r.fetchMs} мс, запись ${r.applyMs} мс)`);
    });
    await work(QUEUES.cancel, (id) => runCancels(db, id));
    // Event-driven start: queueTransfers() NOTIFYs on commit; the clock below only covers retries and restarts.
    // postgres.js re-subscribes by itself after a lost connection; what was notified meanwhile the clock finds.
    listener = await pg.listen(SYNC_CHANNEL, (value) => {
      const id = Number(value);
      if (Number.isInteger(id) && id > 0) {
        void enqueue(QUEUES.transfer, id);
        void enqueue(QUEUES.cancel, id);
      }
    });
  } catch (e) {
    // Nothing half-started may linger: the caller retries the whole start when PostgreSQL is back.
    stopping = true;
    await settleWithin(boss.stop({ graceful: false, wait: true, timeout: 1_000 }), 5_000);
    await settleWithin(pg.end({ timeout: 1 }), 5_000);
    throw e;
  }

  const tick = cron.schedule(
    "* * * * * *",
    guarded("sync-tick", async () => {
      for (const id of await integrationsWithDueTransfers(db)) await enqueue(QUEUES.transfer, id);
      for (const id of await integrationsWithDueCancels(db)) await enqueue(QUEUES.cancel, id);
      for (const id of await integrationsDueForPoll(pollSeconds)) await enqueue(QUEUES.poll, id);
    }),
    { noOverlap: true, name: "sync-tick" },
  );
  const sweep = cron.schedule(
    "*/5 * * * * *",
    guarded("sync-sweep", async () => {
      const n = await sweepStuckTransfers(db);
      if (n) log(`возвращено в очередь передач, чей обработчик пропал: ${n}`);
    }),
    { noOverlap: true, name: "sync-sweep" },
  );
  // Sign-in throttling only looks 15 minutes back; older failures are dead weight.
  const housekeeping = cron.schedule(
    "*/10 * * * *",
    guarded("sweep-login-attempts", async () => {
      await sweepSignInRecords(db);
    }),
    { noOverlap: true, name: "sweep-login-attempts" },
  );

  // Change-feed rows only matter until every stream has polled past them; a stream silent for half a year starts
  // from what is left.
  const sweepOrderChanges = cron.schedule(
    "17 3 * * *",
    guarded("sweep-order-changes", async () => {
      await db.delete(orderChanges).where(lte(orderChanges.at, new Date(Date.now() - 180 * 86_400_000)));
    }),
    { noOverlap: true, name: "sweep-order-changes" },
  );

  async function integrationsDueForPoll(seconds: number): Promise<number[]> {
    const rows = await db
      .select({ id: integrations.id, integrator: integrations.integrator })
      .from(integrations)
      .leftJoin(integrationSync, eq(integrationSync.integrationId, integrations.id))
      .where(and(eq(integrations.enabled, true), or(isNull(integrationSync.lastPollAt), lte(integrationSync.lastPollAt, sql`now() - make_interval(secs => ${seconds})`))));
    return rows.filter((r) => { const s = getIntegrator(r.integrator)?.statusSource; return s && s.kind !== "webhook"; }).map((r) => r.id);
  }

  log(`запущен (опрос статусов партнёров каждые ${pollSeconds} с)`);
  return {
    /**
     * Graceful: stops taking jobs, lets running ones finish (up to `graceMs`), then closes the connections. Bounded
     * even while PostgreSQL is away; what a cut-short job held is let go of by its lease.
     */
    async stop(graceMs = 20_000) {
      stopping = true;
      await Promise.all([tick.stop(), sweep.stop(), housekeeping.stop(), sweepOrderChanges.stop()]);
      await settleWithin(listener.unlisten(), 2_000);
      await settleWithin(boss.stop({ graceful: true, wait: true, timeout: graceMs }), graceMs + 5_000);
      await settleWithin(pg.end({ timeout: 5 }), 7_000);
    },
  };
}

/** Waits for `p` (ignoring its failure) at most `ms`. */
async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
