import { afterEach, describe, expect, it } from "vitest";
import { createIsolatedSyncPair } from "@/db/test/isolated-pair";
import { startPgProxy } from "@/db/test/pg-proxy";
import {
  handOver,
  interceptingProxy,
  numbersAtB,
  routeIntegration,
  sentAtA,
  startWorker,
  until,
  type Cleanup,
} from "./helpers";

const cleanup: Cleanup = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe("PostgreSQL outage", () => {
  it("10 s without PostgreSQL while a hand-over is in flight: the worker keeps running, reconnects, and the hand-over completes exactly once", async () => {
    const p = await createIsolatedSyncPair();
    cleanup.push(() => p.dispose());
    const pg = await startPgProxy(p.urlA);
    cleanup.push(() => pg.close());
    const partner = await interceptingProxy(cleanup, p.apiUrl);
    await routeIntegration(p, partner.url);
    const worker = startWorker(cleanup, pg.url);
    await until(async () => worker.output.join("").includes("запущен"), 30_000, "the worker started");

    // The partner has accepted the batch; its answer reaches the worker 2 s into the outage, so the worker's commit
    // (and its heartbeat, the clock, pg-boss, LISTEN) all meet a dead PostgreSQL.
    let restored!: Promise<void>;
    const cut = new Promise<void>((resolve) =>
      partner.holdNext(
        (req) => req.includes("<neworder"),
        async () => {
          pg.cut();
          restored = new Promise<void>((r) => setTimeout(r, 10_000)).then(() => pg.restore());
          resolve();
          await new Promise((r) => setTimeout(r, 2_000));
        },
      ),
    );
    await handOver(p, 20);
    await cut;
    await restored;

    await until(async () => (await sentAtA(p)) === 20, 60_000, "all 20 recorded as sent after the outage");
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
    const numbers = await numbersAtB(p);
    expect(numbers).toHaveLength(20);
    expect(new Set(numbers).size).toBe(20);
    const log = worker.output.join("");
    expect(log).toContain("нет связи с PostgreSQL");
    expect(log).toContain("связь с PostgreSQL восстановлена");
    expect(log).not.toMatch(/Cannot read properties of null|Unhandled|неперехваченное/);
  }, 120_000);
});
