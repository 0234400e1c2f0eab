import type { z } from "zod";
import type { Database } from "../../../db/client";

/** What every handler gets: the worker's database, its log, a way to queue other jobs, and the worker's settings. */
export interface JobContext {
  db: Database;
  log(message: string): void;
  enqueue(job: string, payload: unknown): Promise<void>;
  /** Seconds between status polls of one integration. */
  pollSeconds: number;
}

/**
 * A worker job, declared as data: a pg-boss queue (run per payload, at most one queued per `singletonKey`) or a
 * node-cron schedule; the payload schema checks what arrives; the handler only calls services.
 */
export interface Job<P = unknown> {
  name: string;
  /** Six-field cron (seconds first). */
  schedule?: string;
  queue?: {
    /** Parallel consumers per worker process. */
    concurrency?: number;
    /**
     * How often each consumer asks pg-boss for work (default 0.5 s). Every consumer costs a query per interval on the
     * worker's small pg-boss pool, so queues that are rarely busy ask less often.
     */
    pollSeconds?: number;
    /** NOTIFY channel whose payload (an integration id) queues this job: event-driven start, the clock covers misses. */
    wakeOn?: string;
    singletonKey?(payload: P): string;
  };
  payload: z.ZodType<P>;
  handler(payload: P, ctx: JobContext): Promise<unknown>;
}

/** Checks a job against its own payload type; the runner sees every job alike (it parses before it calls). */
export const defineJob = <P>(job: Job<P>): Job => job as unknown as Job;
