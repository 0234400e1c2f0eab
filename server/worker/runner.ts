import cron from "node-cron";
import PgBoss from "pg-boss";
import { createDatabase } from "../../db/client";
import { connectionMonitor, describe, type ConnectionMonitor } from "./health";
import { JOBS } from "./jobs";
import type { Job, JobContext } from "./jobs/types";

export interface WorkerOptions {
  databaseUrl: string;
  /** Seconds between status polls of one integration (SYNC_POLL_SECONDS, default 30). */
  pollSeconds?: number;
  log?: (message: string) => void;
  /** Shared with the process guards, so an outage is one line however many places notice it. */
  monitor?: ConnectionMonitor;
  /** The jobs to run (default: every job in ./jobs). */
  jobs?: readonly Job[];
}

/**
 * One worker process: registers the declared jobs (pg-boss queues, node-cron schedules, NOTIFY wake-ups) and runs
 * them. Any number may run at once: pg-boss keeps at most one queued job per singleton key, and every job claims its
 * rows (or its lease) in PostgreSQL, so work is never doubled.
 */
export async function startWorker(options: WorkerOptions) {
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const monitor = options.monitor ?? connectionMonitor(log);
  const pollSeconds = options.pollSeconds ?? Number(process.env.SYNC_POLL_SECONDS ?? 30);
  const jobs = options.jobs ?? JOBS;
  const { db, sql: pg } = createDatabase(options.databaseUrl, { max: 6 });
  const boss = new PgBoss({ connectionString: options.databaseUrl, schema: "pgboss", max: 4 });
  let stopping = false;
  // On Ctrl-C PostgreSQL gets the signal too and closes connections under us: expected then, not worth a line.
  boss.on("error", (e) => {
    if (!stopping && !monitor.lost(e)) log(`pg-boss: ${e.message}`);
  });

  const byName = new Map(jobs.map((j) => [j.name, j]));
  async function enqueue(name: string, payload: unknown) {
    const job = byName.get(name);
    if (!job?.queue) return;
    const singletonKey = job.queue.singletonKey?.(payload);
    await boss.send(name, payload as object, singletonKey ? { singletonKey } : {}).catch((e: unknown) => {
      if (!monitor.lost(e)) log(`send ${name}: ${describe(e)}`);
    });
  }
  const ctx: JobContext = { db, log, enqueue, pollSeconds };

  /**
   * A clock task that survives anything: an outage is reported once, other errors each time, and the next tick runs.
   * A tick that finds the previous one still running skips quietly (node-cron's own noOverlap logs a warning a second
   * through every slow stretch or outage).
   */
  const guarded = (job: Job) => {
    let running = false;
    return async () => {
      if (running) return;
      running = true;
      try {
        await job.handler(job.payload.parse({}), ctx);
        monitor.ok();
      } catch (e) {
        if (!stopping && !monitor.lost(e)) log(`${job.name}: ${describe(e)}`);
      } finally {
        running = false;
      }
    };
  };

  const work = (job: Job) =>
    boss.work(job.name, { pollingIntervalSeconds: job.queue?.pollSeconds ?? 0.5, batchSize: 1 }, async (batch) => {
      for (const item of batch) {
        const parsed = job.payload.safeParse(item.data);
        if (!parsed.success) {
          log(`${job.name}: bad payload ${JSON.stringify(item.data)}, dropped`);
          continue;
        }
        try {
          await job.handler(parsed.data, ctx);
        } catch (e) {
          // pg-boss retries the job; what is left behind (claims, a lease) the heartbeat lets go of within a lease.
          if (!stopping && !monitor.lost(e)) log(`${job.name}: ${describe(e)}`);
          throw e;
        }
      }
    });

  const listeners: Awaited<ReturnType<typeof pg.listen>>[] = [];
  try {
    await boss.start();
    for (const job of jobs.filter((j) => j.queue)) {
      // «short»: at most one queued job per key, but no limit on running ones — a job of a killed worker must not
      // block the next (as «stately» would until it expires). Running twice is safe: work is claimed row by row, and
      // a poll takes a lease.
      const name = job.name;
      await boss.createQueue(name, {
        name,
        policy: "short",
        retryLimit: 5,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: 300,
      });
      for (let i = 0; i < (job.queue!.concurrency ?? 1); i++) await work(job);
    }
    // postgres.js re-subscribes by itself after a lost connection; what was notified meanwhile the clock finds.
    for (const channel of new Set(jobs.map((j) => j.queue?.wakeOn).filter((c) => c !== undefined))) {
      const woken = jobs.filter((j) => j.queue?.wakeOn === channel);
      listeners.push(
        await pg.listen(channel, (value) => {
          const id = Number(value);
          if (Number.isInteger(id) && id > 0) for (const j of woken) void enqueue(j.name, { integrationId: id });
        }),
      );
    }
  } catch (e) {
    // Nothing half-started may linger: the caller retries the whole start when PostgreSQL is back.
    stopping = true;
    await settleWithin(boss.stop({ graceful: false, wait: true, timeout: 1_000 }), 5_000);
    await settleWithin(pg.end({ timeout: 1 }), 5_000);
    throw e;
  }

  const clocks = jobs.filter((j) => j.schedule).map((j) => cron.schedule(j.schedule!, guarded(j), { name: j.name }));

  log(`запущен (опрос статусов партнёров каждые ${pollSeconds} с)`);
  return {
    /**
     * Graceful: stops taking jobs, lets running ones finish (up to `graceMs`), then closes the connections. Bounded
     * even while PostgreSQL is away; what a cut-short job held is let go of by its lease.
     */
    async stop(graceMs = 20_000) {
      stopping = true;
      await Promise.all(clocks.map((c) => c.stop()));
      await settleWithin(Promise.all(listeners.map((l) => l.unlisten())), 2_000);
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
