import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { and, eq, gt, sql as q, TransactionRollbackError } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { clients, integrations, paymentExports, syncLog } from "../db/schema";
import { createOrders, createTenant } from "../db/test/factories";
import { pushPayments, type PaymentFigures } from "../server/services/exchange/payments";
import { loadOrderDetails } from "../server/services/orders/lookup";
import { bulkSetStatus } from "../server/services/bulk";
import { MAX_BULK_IDS } from "../server/services/bulk/schemas";
import type { OrderStatus } from "../server/services/orders/statuses";
import { generatePimPayKeyPair, savePimPay, usableSettings } from "../server/services/payments/pimpay";
import { updatePimPayStates } from "../server/integrators/pimpay/client";
import type { Bench } from "./index";
import { benchDatabase, spawnStandIn, standInControl } from "./support";

// PimPay under a first day's load: 10,000 COD orders of one shop sent signed (upsertOrders, 500 a batch), then 50,000
// status changes (five rounds over every order, set by the cabinet's bulk action) sent as states. The stand-in runs
// in its own process and verifies every signature; the signing cost is the adapter's own figure from the sync log.

const ORDERS = Number(process.env.BENCH_PIMPAY_ORDERS ?? 10_000);
/** The rounds of status changes, each over every order: 5 × 10,000 = 50,000 states. COMPLETE last, as it is final. */
const ROUNDS: OrderStatus[] = ["ACCEPTED", "DEPARTURE", "DELIVERY", "COURIERDELIVERED", "COMPLETE"];
const FINAL_UNIFORM = "delivered";
const INN = "7707083893";
const COMPANY_CODE = "kurier_hub";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const spread = (xs: number[], unit: string, digits = 0) =>
  xs.length
    ? `p50 ${pct(xs, 50).toFixed(digits)} ${unit}, max ${Math.max(...xs).toFixed(digits)} ${unit}`
    : "нет данных";
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

type Db = ReturnType<typeof createDatabase>["db"];

/** One signed call as the adapter logged it: `<method>: N заказов, B байт, подпись S мс`, and the batch's duration. */
interface Call {
  method: string;
  orders: number;
  bytes: number;
  signMs: number;
  durationMs: number;
}

const CALL_RE = /^(\w+): (\d+) заказов, (\d+) байт, подпись ([\d.]+) мс/;

/** The signed calls logged since `afterId` (the sync log's rows of kind 'payments' that went through). */
async function callsSince(db: Db, integrationId: number, afterId: number): Promise<{ calls: Call[]; lastId: number }> {
  const rows = await db
    .select({ id: syncLog.id, request: syncLog.request, durationMs: syncLog.durationMs })
    .from(syncLog)
    .where(
      and(
        eq(syncLog.integrationId, integrationId),
        eq(syncLog.kind, "payments"),
        eq(syncLog.ok, true),
        gt(syncLog.id, afterId),
      ),
    )
    .orderBy(syncLog.id);
  const calls: Call[] = [];
  for (const r of rows) {
    const m = CALL_RE.exec(r.request);
    if (!m) throw new Error(`строка журнала не разобрана: ${r.request}`);
    calls.push({
      method: m[1]!,
      orders: Number(m[2]),
      bytes: Number(m[3]),
      signMs: Number(m[4]),
      durationMs: r.durationMs ?? 0,
    });
  }
  return { calls, lastId: rows.at(-1)?.id ?? afterId };
}

/** `pushPayments` until it finds nothing due, as the clock's jobs would run it back to back. */
async function drain(db: Db, integrationId: number) {
  const total: PaymentFigures & { runs: number } = { upserted: 0, states: 0, failed: 0, batches: 0, runs: 0 };
  for (;;) {
    const r = await pushPayments(db, integrationId);
    total.runs++;
    total.upserted += r.upserted;
    total.states += r.states;
    total.failed += r.failed;
    total.batches += r.batches;
    if (r.batches === 0 || r.failed > 0) return total;
  }
}

export const pimpay: Bench = {
  name: "pimpay",
  async run() {
    const database = await benchDatabase("pimpay");
    const standIn = await spawnStandIn("server/stand-ins/pimpay/main.ts", {
      PIMPAY_STAND_IN_PORT: "0",
      PIMPAY_STAND_IN_COMPANY_CODE: COMPANY_CODE,
    });
    const control = standInControl(standIn.url);
    const { db, sql } = createDatabase(database.url, { max: 6 });
    try {
      // The company's set-up as in the cabinet: keys made here, our public key put into PimPay under the token.
      const t = await createTenant(db);
      const token = `kh-bench-${Date.now()}`;
      const { publicKey } = await generatePimPayKeyPair({ ctx: t.staffCtx, input: undefined });
      await control("tokens", { token, publicKeyPem: publicKey });
      const { endpoint } = (await control("info", undefined, "GET")) as { endpoint: string };
      await savePimPay({ ctx: t.staffCtx, input: { token, companyCode: COMPANY_CODE, apiUrl: endpoint } });
      const [integration] = await db.select().from(integrations).where(eq(integrations.companyId, t.company.id));
      const integrationId = integration!.id;
      await control("clients", { token, tin: INN });
      await db.update(clients).set({ inn: INN, paymentIntermediary: "pimpay" }).where(eq(clients.id, t.client.id));

      let started = performance.now();
      const ids: number[] = [];
      for (let i = 0; i < ORDERS; i += 1000) {
        const made = await createOrders(db, t.company.id, t.client.id, Math.min(1000, ORDERS - i), {
          codAmount: 1500,
        });
        ids.push(...made.map((o) => o.id));
      }
      const createSeconds = (performance.now() - started) / 1000;
      const load = loadavg()[0]!;

      // (1) Every order new to PimPay: the full order, upsertOrders.
      started = performance.now();
      const upserts = await drain(db, integrationId);
      const upsertSeconds = (performance.now() - started) / 1000;
      const first = await callsSince(db, integrationId, 0);

      // Where an upsert batch's time goes besides the call: its orders' details read for the envelope.
      started = performance.now();
      await loadOrderDetails(db, t.company.id, ids.slice(0, 500));
      const detailsMs = performance.now() - started;

      // (2) Five rounds of a status over every order, each pushed as states once the cabinet has set it.
      let statusSeconds = 0;
      let stateSeconds = 0;
      const states: PaymentFigures & { runs: number } = { upserted: 0, states: 0, failed: 0, batches: 0, runs: 0 };
      for (const status of ROUNDS) {
        started = performance.now();
        for (let i = 0; i < ids.length; i += MAX_BULK_IDS) {
          const r = await bulkSetStatus({ ctx: t.staffCtx, input: { ids: ids.slice(i, i + MAX_BULK_IDS), status } });
          if (r.refused.length)
            throw new Error(`${status}: отказано ${r.refused.length} заказам (${r.refused[0]!.reason})`);
        }
        statusSeconds += (performance.now() - started) / 1000;
        started = performance.now();
        const r = await drain(db, integrationId);
        stateSeconds += (performance.now() - started) / 1000;
        for (const k of ["upserted", "states", "failed", "batches", "runs"] as const) states[k] += r[k];
      }
      const second = await callsSince(db, integrationId, first.lastId);

      // Breakdown of a state batch: a run with nothing due (enrolling and the due-row scan alone), and the same
      // 500-state call made straight through the adapter (build + sign + HTTP + the stand-in's work, no database).
      const emptyRuns: number[] = [];
      const directCalls: number[] = [];
      const settings = await usableSettings(db, t.company.id);
      const batch = ids.slice(0, 500).map((id) => ({
        id: String(id),
        status: "COMPLETE",
        statusAt: new Date(),
        codAmount: 1500,
        partnerStatus: null,
      }));
      const marking: number[] = [];
      for (let i = 0; i < 5; i++) {
        // The engine's marking pattern on its own: an UPDATE per order of the batch in one transaction, rolled back.
        started = performance.now();
        await db
          .transaction(async (tx) => {
            for (const o of batch)
              await tx
                .update(paymentExports)
                .set({ updatedAt: new Date() })
                .where(eq(paymentExports.orderId, Number(o.id)));
            marking.push(performance.now() - started);
            tx.rollback();
          })
          .catch((e: unknown) => {
            if (!(e instanceof TransactionRollbackError)) throw e;
          });
        started = performance.now();
        const idle = await pushPayments(db, integrationId);
        emptyRuns.push(performance.now() - started);
        if (idle.batches) throw new Error("после всех кругов что-то ещё ждёт отправки");
        started = performance.now();
        await updatePimPayStates(settings, batch, 60_000);
        directCalls.push(performance.now() - started);
      }

      // What PimPay holds now, and what we think it holds.
      const there = (await control("orders", undefined, "GET", { token })) as {
        id: string;
        uniformPimpayDeliveryStatus: string;
      }[];
      const uniform = new Map<string, number>();
      for (const o of there)
        uniform.set(o.uniformPimpayDeliveryStatus, (uniform.get(o.uniformPimpayDeliveryStatus) ?? 0) + 1);
      const [ours] = await db
        .select({
          pushed: q<number>`count(*) filter (where ${paymentExports.pushedStatus} = 'COMPLETE')::int`,
          errors: q<number>`count(*) filter (where ${paymentExports.error} is not null)::int`,
        })
        .from(paymentExports)
        .where(eq(paymentExports.integrationId, integrationId));

      print({
        createSeconds,
        load,
        upserts,
        upsertSeconds,
        upsertCalls: first.calls,
        detailsMs,
        states,
        statusSeconds,
        stateSeconds,
        stateCalls: second.calls,
        emptyRunMs: pct(emptyRuns, 50),
        directCallMs: pct(directCalls, 50),
        markingMs: pct(marking, 50),
        there: there.length,
        uniform,
        ours: ours!,
      });
    } finally {
      standIn.stop();
      await sql.end();
      await database.drop();
    }
  },
};

function print(r: {
  createSeconds: number;
  load: number;
  upserts: PaymentFigures & { runs: number };
  upsertSeconds: number;
  upsertCalls: Call[];
  detailsMs: number;
  states: PaymentFigures & { runs: number };
  statusSeconds: number;
  stateSeconds: number;
  stateCalls: Call[];
  emptyRunMs: number;
  directCallMs: number;
  markingMs: number;
  there: number;
  uniform: Map<string, number>;
  ours: { pushed: number; errors: number };
}) {
  const changes = ORDERS * ROUNDS.length;
  const up = r.upsertCalls;
  const st = r.stateCalls;
  console.log(
    `setup:                     ${ORDERS} COD orders of one PimPay shop made in ${r.createSeconds.toFixed(1)} s; load average ${r.load.toFixed(2)}`,
  );
  console.log(
    `upsertOrders (full order): ${r.upserts.upserted} in ${r.upsertSeconds.toFixed(1)} s → ${(r.upserts.upserted / r.upsertSeconds).toFixed(0)} orders/s; ${up.length} signed batches, ${r.upserts.runs} pushPayments runs, ${r.upserts.failed} refused`,
  );
  console.log(
    `  per batch:               ${spread(
      up.map((c) => c.orders),
      "orders",
    )}`,
  );
  console.log(
    `  bytes per batch:         ${spread(
      up.map((c) => c.bytes / 1024),
      "KiB",
    )}`,
  );
  console.log(
    `  signing per batch:       ${spread(
      up.map((c) => c.signMs),
      "ms",
      1,
    )} (adapter's figure from sync_log)`,
  );
  console.log(
    `  batch in the engine:     ${spread(
      up.map((c) => c.durationMs),
      "ms",
    )} (details read + build + sign + HTTP + marking rows); details of 500 orders alone ${r.detailsMs.toFixed(0)} ms`,
  );
  console.log(
    `  outside the batches:     ${(r.upsertSeconds - sum(up.map((c) => c.durationMs)) / 1000).toFixed(1)} s (enrolling, picking due rows, commits)`,
  );
  console.log(
    `status changes:            ${changes} (${ROUNDS.length} rounds × ${ORDERS}: ${ROUNDS.join(" → ")}) set by the bulk action in ${r.statusSeconds.toFixed(1)} s (not counted below)`,
  );
  console.log(
    `updateStateForOrders:      ${r.states.states} in ${r.stateSeconds.toFixed(1)} s → ${(r.states.states / r.stateSeconds).toFixed(0)} states/s; ${st.length} signed batches, ${r.states.runs} pushPayments runs, ${r.states.failed} refused${r.states.upserted ? `, ${r.states.upserted} full orders again` : ""}`,
  );
  console.log(
    `  bytes per batch:         ${spread(
      st.map((c) => c.bytes / 1024),
      "KiB",
    )}`,
  );
  console.log(
    `  signing per batch:       ${spread(
      st.map((c) => c.signMs),
      "ms",
      1,
    )} (adapter's figure from sync_log)`,
  );
  console.log(
    `  batch in the engine:     ${spread(
      st.map((c) => c.durationMs),
      "ms",
    )} (build + sign + HTTP + marking rows)`,
  );
  console.log(
    `  outside the batches:     ${(r.stateSeconds - sum(st.map((c) => c.durationMs)) / 1000).toFixed(1)} s (picking due rows, commits)`,
  );
  const batchMs = pct(
    st.map((c) => c.durationMs),
    50,
  );
  console.log(
    `  breakdown (p50):         the call alone (build + sign + HTTP, no database) ${r.directCallMs.toFixed(0)} ms of a ${batchMs.toFixed(0)} ms batch → ~${Math.max(0, batchMs - r.directCallMs).toFixed(0)} ms left for marking 500 rows (500 single-row UPDATEs alone: ${r.markingMs.toFixed(0)} ms); a run with nothing due (enrol + due-row scan over ${ORDERS} orders) ${r.emptyRunMs.toFixed(0)} ms`,
  );
  const uniform = [...r.uniform].map(([k, v]) => `${k} ${v}`).join(", ");
  const ok =
    r.there === ORDERS &&
    r.uniform.get(FINAL_UNIFORM) === ORDERS &&
    r.ours.pushed === ORDERS &&
    r.ours.errors === 0 &&
    r.upserts.upserted === ORDERS &&
    r.states.states === changes;
  console.log(
    `check:                     ${ok ? "OK" : "FAILED"} — the stand-in holds ${r.there} orders (${uniform}), ours: ${r.ours.pushed} pushed as COMPLETE, ${r.ours.errors} with an error`,
  );
}
