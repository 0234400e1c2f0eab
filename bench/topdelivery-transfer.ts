import { and, eq, isNotNull } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { integrations, transfers } from "../db/schema";
import { createOrders, createTenant, today } from "../db/test/factories";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "../server/services/manifests";
import { startWorker } from "../server/worker/runner";
import type { Bench } from "./index";
import { benchDatabase, spawnStandIn } from "./support";

// 1,000 orders to TopDelivery, whose gate takes 4 requests/s: the stand-in as its own process enforcing that limit,
// two workers sharing the gate's pace through PostgreSQL. Batching (100 orders per addOrders) is what lifts the rate
// far above 4 orders/s.

const TOTAL = Number(process.env.BENCH_TD_ORDERS ?? 1000);
const PER_MANIFEST = 100;

export const topDeliveryTransfer: Bench = {
  name: "topdelivery-transfer",
  async run() {
    const database = await benchDatabase("td");
    const url = database.url;
    const td = await spawnStandIn("server/stand-ins/topdelivery/main.ts", {
      TOPDELIVERY_STAND_IN_PORT: "0",
      TOPDELIVERY_STAND_IN_ADVANCE_MS: "0",
    });
    const { db, sql } = createDatabase(url, { max: 6 });
    const t = await createTenant(db);
    const [integration] = await db
      .insert(integrations)
      .values({
        companyId: t.company.id,
        branchId: t.branch.id,
        integrator: "topdelivery",
        settings: {
          login: "kh-demo-shop",
          password: "kh-demo-shop-pass",
          gateLogin: "kh-gate",
          gatePassword: "kh-gate-pass",
          gateUrl: `${td.url}/api/soap/w/2.0/?wsdl`,
        },
      })
      .returning();
    const workers = [
      await startWorker({ databaseUrl: url, log: () => {} }),
      await startWorker({ databaseUrl: url, log: () => {} }),
    ];
    try {
      const created = await createOrders(db, t.company.id, t.client.id, TOTAL);
      const bags: number[] = [];
      for (let i = 0; i < created.length; i += PER_MANIFEST) {
        const ids = created.slice(i, i + PER_MANIFEST).map((o) => o.id);
        const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
        await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: ids } });
        await markManifestAssembled({ ctx: t.staffCtx, input: { id: m.id } });
        bags.push(m.id);
      }
      const started = Date.now();
      for (const id of bags) await setManifestSendDate({ ctx: t.staffCtx, input: { id, sendDate: today() } });
      let sent = 0;
      const deadline = Date.now() + 600_000;
      while (sent < TOTAL && Date.now() < deadline) {
        const rows = await db
          .select({ id: transfers.id })
          .from(transfers)
          .where(
            and(
              eq(transfers.integrationId, integration!.id),
              eq(transfers.state, "sent"),
              isNotNull(transfers.partnerRef),
            ),
          );
        sent = rows.length;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (Date.now() - started) / 1000;
      const counters = (await (await fetch(`${td.url}/_control/counters`)).json()) as {
        requests: Record<string, number>;
        rateLimited: number;
        peakRps: number;
      };
      console.log(`orders:                    ${TOTAL} to TopDelivery (gate limit 4 requests/s), two workers`);
      console.log(
        `hand-over:                 ${sent} sent in ${seconds.toFixed(1)} s → ${(sent / seconds).toFixed(0)} orders/s (4 requests/s allow 4 orders/s one by one)`,
      );
      console.log(
        `at the stand-in:           ${counters.requests.addOrders ?? 0} addOrders calls, ${counters.rateLimited} answers 429, peak ${counters.peakRps} requests in a second`,
      );
    } finally {
      for (const w of workers) await w.stop();
      td.stop();
      await sql.end();
      await database.drop();
    }
  },
};
