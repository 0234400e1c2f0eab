import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { count, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { orders, transfers } from "@/db/schema";
import { createOrders } from "@/db/test/factories";
import { createIsolatedSyncPair } from "@/db/test/isolated-pair";
import { saveIntegration } from "@/server/services/integrations/save";
import { addOrdersToManifest, createManifest, markManifestAssembled, setManifestSendDate } from "@/server/services/manifests";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

function startWorker(databaseUrl: string): ChildProcess {
  // Loaded in-process (no tsx wrapper process), so SIGKILL hits the worker itself.
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker/index.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SYNC_LOCK_MS: "1000", SYNC_POLL_SECONDS: "3600" },
    stdio: "ignore",
  });
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  });
  return child;
}

/**
 * Sits between the worker and the partner: forwards every request, and when the partner has accepted the first
 * `neworder`, calls `onAccepted` instead of replying — the moment to kill the worker.
 */
async function interceptingProxy(target: string, onAccepted: () => void): Promise<{ url: string; server: Server }> {
  let fired = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const isNewOrder = Buffer.concat(chunks).toString("utf8").includes("<neworder");
      const upstream = request(target, { method: "POST", headers: { "content-type": String(req.headers["content-type"] ?? "text/xml") } }, (up) => {
        const body: Buffer[] = [];
        up.on("data", (c: Buffer) => body.push(c));
        up.on("end", () => {
          if (!fired && isNewOrder) {
            fired = true;
            onAccepted();
            return; // never answered: the worker dies waiting
          }
          res.writeHead(up.statusCode ?? 200, { "content-type": "text/xml; charset=utf-8" }).end(Buffer.concat(body));
        });
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, server };
}

describe("worker crash", () => {
  it("killed between the partner's acceptance and the local commit: after a restart exactly one order per number at the partner", async () => {
    const p = await createIsolatedSyncPair();
    cleanup.push(() => p.dispose());

    let first: ChildProcess | undefined;
    const killed = new Promise<void>((resolve) => {
      void interceptingProxy(p.apiUrl, () => {
        first!.kill("SIGKILL");
        first!.once("exit", () => resolve());
      }).then(async (proxy) => {
        await saveIntegration({ ctx: p.ctxA, input: { branchId: p.branchA.id, integrator: "measoft", values: { login: "alfa", password: "alfa", extra: "202", apiUrl: proxy.url } } });
        first = startWorker(p.urlA);
        const created = await createOrders(p.a.db, p.companyA.id, p.shopA.id, 25);
        const m = await createManifest({ ctx: p.ctxA, input: { responsibleBranchId: p.branchA.id } });
        await addOrdersToManifest({ ctx: p.ctxA, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
        await markManifestAssembled({ ctx: p.ctxA, input: { id: m.id } });
        await setManifestSendDate({ ctx: p.ctxA, input: { id: m.id, sendDate: "2026-11-28" } });
      });
    });
    await killed;

    // The partner has all 25; we recorded none of them as sent.
    const [atPartner] = await p.b.db.select({ n: count() }).from(orders).where(eq(orders.companyId, p.companyB.id));
    expect(atPartner!.n).toBe(25);
    const [sentHere] = await p.a.db.select({ n: count() }).from(transfers).where(eq(transfers.state, "sent"));
    expect(sentHere!.n).toBe(0);

    startWorker(p.urlA);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [done] = await p.a.db.select({ n: count() }).from(transfers).where(eq(transfers.state, "sent"));
      if (done!.n === 25) break;
      if (Date.now() > deadline) throw new Error(`only ${done!.n} of 25 reconciled`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const numbers = await p.b.db.select({ number: orders.number }).from(orders).where(eq(orders.companyId, p.companyB.id));
    expect(numbers).toHaveLength(25);
    expect(new Set(numbers.map((o) => o.number)).size).toBe(25);
  }, 120_000);
});
