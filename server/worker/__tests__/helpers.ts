import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { and, count, eq } from "drizzle-orm";
import { orders, orderStatusHistory, transfers } from "@/db/schema";
import { createOrders, today } from "@/db/test/factories";
import type { SyncPair } from "@/db/test/sync-pair";
import { saveIntegration } from "@/server/services/integrations/save";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "@/server/services/manifests";

/** Cleanup steps a test registers; the test file runs them after each test. */
export type Cleanup = (() => Promise<void>)[];

/** A real worker process (`npm run worker`), TypeScript loaded in-process so SIGKILL hits the worker itself. */
export function startWorker(
  cleanup: Cleanup,
  databaseUrl: string,
  env: Record<string, string> = {},
): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker/index.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SYNC_POLL_SECONDS: "3600", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout.on("data", (c: Buffer) => output.push(c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => output.push(c.toString("utf8")));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  });
  return Object.assign(child, { output });
}

/** Kills a worker and resolves once it is gone. */
export function kill(child: ChildProcess): Promise<void> {
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGKILL");
  return gone;
}

/**
 * Sits between the worker and the partner and forwards every request. While `hold` is set, the first answer it
 * matches is not passed on: `hold` is called instead (the moment to kill the worker or cut PostgreSQL), and the
 * answer is delivered when the promise `hold` returns resolves — or never, for a worker that is dead by then.
 */
export async function interceptingProxy(cleanup: Cleanup, target: string) {
  let rule: { match: (request: string, answer: string) => boolean; hold: () => Promise<void> | void } | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const upstream = request(
        target,
        { method: "POST", headers: { "content-type": String(req.headers["content-type"] ?? "text/xml") } },
        (up) => {
          const answer: Buffer[] = [];
          up.on("data", (c: Buffer) => answer.push(c));
          up.on("end", () => {
            const reply = () =>
              res
                .writeHead(up.statusCode ?? 200, { "content-type": "text/xml; charset=utf-8" })
                .end(Buffer.concat(answer));
            const r = rule;
            if (r && r.match(body.toString("utf8"), Buffer.concat(answer).toString("utf8"))) {
              rule = null;
              void Promise.resolve(r.hold()).then(reply);
              return;
            }
            reply();
          });
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    /** Arms the proxy for the next matching exchange. */
    holdNext(match: (request: string, answer: string) => boolean, hold: () => Promise<void> | void) {
      rule = { match, hold };
    },
  };
}

/** Points A's integration at `apiUrl` (e.g. an intercepting proxy in front of B). */
export async function routeIntegration(p: SyncPair, apiUrl: string) {
  await saveIntegration({
    ctx: p.ctxA,
    input: {
      branchId: p.branchA.id,
      integrator: "measoft",
      values: { login: "alfa", password: "alfa", extra: "202", apiUrl },
    },
  });
}

/** Creates `n` orders at A and gives them a send date: the transfers are queued and the workers notified. */
export async function handOver(p: SyncPair, n: number) {
  const created = await createOrders(p.a.db, p.companyA.id, p.shopA.id, n);
  const m = await createManifest({ ctx: p.ctxA, input: { responsibleBranchId: p.branchA.id } });
  await addOrdersToManifest({ ctx: p.ctxA, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
  await markManifestAssembled({ ctx: p.ctxA, input: { id: m.id } });
  await setManifestSendDate({ ctx: p.ctxA, input: { id: m.id, sendDate: today() } });
  return created;
}

export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function sentAtA(p: SyncPair): Promise<number> {
  const [row] = await p.a.db.select({ n: count() }).from(transfers).where(eq(transfers.state, "sent"));
  return row!.n;
}

/** Order numbers B holds from A: exactly one per number is the idempotency promise. */
export async function numbersAtB(p: SyncPair): Promise<string[]> {
  const rows = await p.b.db.select({ number: orders.number }).from(orders).where(eq(orders.companyId, p.companyB.id));
  return rows.map((r) => r.number);
}

export async function agentStatuses(p: SyncPair, orderId: number, status: string): Promise<number> {
  const [row] = await p.a.db
    .select({ n: count() })
    .from(orderStatusHistory)
    .where(
      and(
        eq(orderStatusHistory.orderId, orderId),
        eq(orderStatusHistory.source, "agent"),
        eq(orderStatusHistory.status, status),
      ),
    );
  return row!.n;
}
