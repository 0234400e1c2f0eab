import { readdirSync, readFileSync } from "node:fs";
import { and, eq, inArray, sql } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { branches, clients, companies, orders, staffUsers, transfers } from "../db/schema";
import { createOrders } from "../db/test/factories";
import type { startPgProxy } from "../db/test/pg-proxy";
import type { ServiceContext } from "../server/services/context";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "../server/services/manifests";

/**
 * `npm start` under trouble, on the production build the e2e run already made: PostgreSQL away for 10 s while a
 * hand-over is in flight, `kill -9` of the worker, then SIGTERM. The app's database connections go through `pg`, a
 * TCP proxy that can cut them; `databaseUrl` is the direct address this check reads through.
 */
export async function checkSupervisor(options: {
  startPid: number;
  baseURL: string;
  pg: Awaited<ReturnType<typeof startPgProxy>>;
  databaseUrl: string;
  startExited: () => boolean;
}): Promise<string[]> {
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    console.log(`[e2e supervisor] ${ok ? "ok" : "FAILED"}: ${what}`);
    if (!ok) failures.push(what);
  };
  const { db, sql: pool } = createDatabase(options.databaseUrl, { max: 4 });
  try {
    const before = children(options.startPid);
    check(before.web !== null && before.worker !== null, "npm start runs the web server and the worker");

    // 1. A hand-over of 300 orders Альфа→Бета (the demo integration, over the app's own /api/); cut PostgreSQL as soon
    // as the first batch is on its way.
    const numbers = await startHandOver(db, 300);
    await until(async () => (await states(db, numbers)).some((s) => s !== "pending"), 30_000);
    options.pg.cut();
    console.log(
      `[e2e supervisor] PostgreSQL cut for 10 s with the hand-over in flight: ${JSON.stringify(count(await states(db, numbers)))}`,
    );
    await new Promise((r) => setTimeout(r, 10_000));
    await options.pg.restore();
    const done = await until(async () => (await states(db, numbers)).every((s) => s === "sent"), 120_000);
    check(done, `the hand-over completes after the outage (${JSON.stringify(count(await states(db, numbers)))})`);
    if (!done) console.log(`[e2e supervisor] transfer errors: ${JSON.stringify(await lastErrors(db, numbers))}`);
    const atBeta = await db
      .select({ number: orders.number, n: sql<number>`count(*)::int` })
      .from(orders)
      .innerJoin(companies, eq(companies.id, orders.companyId))
      .where(and(eq(companies.extraCode, 202), inArray(orders.number, numbers)))
      .groupBy(orders.number);
    check(
      atBeta.length === numbers.length && atBeta.every((r) => r.n === 1),
      `Бета holds each of the ${numbers.length} orders exactly once (${atBeta.length} numbers)`,
    );
    const afterOutage = children(options.startPid);
    check(afterOutage.web === before.web, "the web server stayed up through the outage (same process)");
    check(
      afterOutage.worker !== null,
      `the worker runs after the outage (${afterOutage.worker === before.worker ? "same process" : "restarted"})`,
    );
    check(await answers(`${options.baseURL}/login`), "/login answers 200 after the outage");

    // 2. kill -9 of the worker: restarted, the web server untouched.
    const worker = afterOutage.worker!;
    process.kill(worker, "SIGKILL");
    const restarted = await until(async () => ![null, worker].includes(children(options.startPid).worker), 20_000);
    check(restarted, "a killed worker is restarted");
    check(children(options.startPid).web === before.web, "the web server stays up when the worker is killed");
    check(await answers(`${options.baseURL}/login`), "/login answers 200 after the worker was killed");

    // 3. kill -9 of the web server: restarted and serving again, the worker untouched.
    const beforeWebKill = children(options.startPid);
    process.kill(beforeWebKill.web!, "SIGKILL");
    const webBack = await until(async () => {
      const web = children(options.startPid).web;
      return web !== null && web !== beforeWebKill.web && (await answers(`${options.baseURL}/login`));
    }, 60_000);
    check(webBack, "a killed web server is restarted and /login answers 200 again");
    check(
      children(options.startPid).worker === beforeWebKill.worker,
      "the worker stays up when the web server is killed",
    );

    // 4. SIGTERM: everything stops, promptly.
    const last = children(options.startPid);
    const stopAsked = Date.now();
    process.kill(options.startPid, "SIGTERM");
    const stopped = await until(async () => options.startExited(), 45_000);
    check(stopped, `npm start stops on SIGTERM (${Math.round((Date.now() - stopAsked) / 1000)} s)`);
    check(
      ![last.web, last.worker].some((pid) => pid !== null && alive(pid)),
      "no web server or worker is left running",
    );
  } finally {
    await pool.end({ timeout: 5 });
  }
  return failures;
}

/** Queues a hand-over the way a dispatcher does: orders on the branch served by Бета, a manifest with a send date. */
async function startHandOver(db: ReturnType<typeof createDatabase>["db"], n: number): Promise<string[]> {
  const [alfa] = await db.select().from(companies).where(eq(companies.extraCode, 101));
  const [branch] = await db
    .select()
    .from(branches)
    .where(and(eq(branches.companyId, alfa!.id), eq(branches.code, "BETA-NSK")));
  const [shop] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.companyId, alfa!.id), eq(clients.kind, "shop")));
  const [admin] = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.companyId, alfa!.id), eq(staffUsers.login, "admin")));
  const ctx: ServiceContext = { db, actor: { type: "staff", companyId: alfa!.id, userId: admin!.id, role: "admin" } };
  const created = await createOrders(db, alfa!.id, shop!.id, n);
  const m = await createManifest({ ctx, input: { responsibleBranchId: branch!.id } });
  await addOrdersToManifest({ ctx, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
  await markManifestAssembled({ ctx, input: { id: m.id } });
  await setManifestSendDate({ ctx, input: { id: m.id, sendDate: new Date().toISOString().slice(0, 10) } });
  return created.map((o) => o.number);
}

async function states(db: ReturnType<typeof createDatabase>["db"], numbers: string[]): Promise<string[]> {
  const rows = await db
    .select({ state: transfers.state })
    .from(transfers)
    .where(inArray(transfers.partnerNumber, numbers));
  return rows.length === numbers.length ? rows.map((r) => r.state) : ["pending"];
}

async function lastErrors(db: ReturnType<typeof createDatabase>["db"], numbers: string[]) {
  const rows = await db
    .selectDistinct({ error: transfers.lastError })
    .from(transfers)
    .where(inArray(transfers.partnerNumber, numbers));
  return rows
    .map((r) => r.error)
    .filter(Boolean)
    .slice(0, 5);
}

const count = (xs: string[]) => xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {});

/** The web server and worker processes `npm start` runs now (tsx runs start.ts in a child), by their command lines. */
function children(pid: number): { web: number | null; worker: number | null } {
  const out = { web: null as number | null, worker: null as number | null };
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const task of safe(() => readdirSync(`/proc/${parent}/task`), [])) {
      for (const child of safe(() => readFileSync(`/proc/${parent}/task/${task}/children`, "utf8"), "")
        .split(" ")
        .filter(Boolean)
        .map(Number)) {
        const cmd = safe(() => readFileSync(`/proc/${child}/cmdline`, "utf8"), "");
        if (cmd.includes("server/worker/index.ts")) out.worker ??= child;
        else if (cmd.includes("next")) out.web ??= child;
        else queue.push(child);
      }
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !safe(() => readFileSync(`/proc/${pid}/stat`, "utf8"), "").includes(") Z ");
  } catch {
    return false;
  }
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

async function answers(url: string): Promise<boolean> {
  return until(async () => (await fetch(url).catch(() => null))?.status === 200, 30_000);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
