import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { createBranch, createClient, createCompany, createStaff } from "../db/test/factories";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import type { ServiceContext } from "../server/services/context";
import { dashboardDates, dashboardQueries, getDashboard } from "../server/services/dashboard/figures";
import type { Bench } from "./index";

// The staff start page at 1M orders of one company (a year of history: older than two weeks all final, the last two weeks three quarters in flight) with 200,000 hand-overs to three
// partners (2 % open, 1 % failed), and a second company's 100,000 orders beside it: the whole dashboard's
// median and max, then each aggregate's plan (EXPLAIN ANALYZE) so a scan shows at once.

const TOTAL = Number(process.env.BENCH_DASHBOARD_ORDERS ?? 1_000_000);
const RUNS = 7;

export const dashboard: Bench = {
  name: "dashboard",
  async run() {
    const server = await ensureDatabaseServer({
      dataDir: ".data/pg-bench",
      port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54359),
      log: () => {},
    });
    const name = `kh_bench_dash_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    await createDatabaseIfMissing(server.adminUrl, name);
    const url = withDatabase(server.adminUrl, name);
    await runMigrations(url);
    const { db, sql: pg } = createDatabase(url, { max: 2 });
    try {
      const t0 = Date.now();
      const seed = async (companyId: number, total: number) => {
        const clientIds: number[] = [];
        for (let i = 0; i < 20; i++) clientIds.push((await createClient(db, companyId)).id);
        await db.execute(sql`
          insert into orders (company_id, client_id, number, year, receiver_person, receiver_phone, receiver_town, receiver_address, weight, cod_amount, status, created_at)
          select ${companyId}, (${sql.raw(`array[${clientIds.join(",")}]`)})[1 + (g % 20)], 'D-' || g, 2026, 'Получатель', '+79000000000', 'Москва', 'ул. Ленина, 1',
                 1.5, case when g % 3 = 0 then 0 else 1000 end,
                 case when g < ${total} * 351 / 365 then (array['COMPLETE','COMPLETE','COMPLETE','CANCELED','RETURNED'])[1 + (g % 5)]
                      else (array['NEW','ACCEPTED','DELIVERY','COMPLETE'])[1 + (g % 4)] end,
                 now() - make_interval(secs => (${total} - g) * (365 * 86400.0 / ${total}))
          from generate_series(1, ${total}) g`);
      };
      const company = await createCompany(db);
      const staff = await createStaff(db, company.id);
      await seed(company.id, TOTAL);
      const other = await createCompany(db);
      await seed(other.id, Math.round(TOTAL / 10));
      const integrationIds: number[] = [];
      for (let i = 0; i < 3; i++) {
        const b = await createBranch(db, company.id);
        const [row] = await db.execute<{ id: number }>(
          sql`insert into integrations (company_id, branch_id, integrator, settings, enabled) values (${company.id}, ${b.id}, 'measoft', '{}', true) returning id`,
        );
        integrationIds.push(row!.id);
      }
      // Every fifth order handed over; 1 in 50 of those still open, 1 in 100 failed, the rest sent.
      await db.execute(sql`
        insert into transfers (company_id, order_id, integration_id, state, partner_number)
        select ${company.id}, o.id, (${sql.raw(`array[${integrationIds.join(",")}]`)})[1 + (o.id % 3)],
               (case (o.id / 5) % 100 when 0 then 'pending' when 1 then 'submitted' when 2 then 'failed' else 'sent' end)::transfer_state,
               'P-' || o.id
        from orders o where o.company_id = ${company.id} and o.id % 5 = 0`);
      await db.execute(sql`vacuum analyze`);
      console.log(
        `generated ${TOTAL.toLocaleString("en")} orders (+10 % of another company's) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );

      const ctx: ServiceContext = {
        db,
        actor: { type: "staff", companyId: company.id, userId: staff.id, role: "admin" },
      };
      const ms: number[] = [];
      let f: Awaited<ReturnType<typeof getDashboard>> | undefined;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        f = await getDashboard({ ctx, input: {} });
        ms.push(performance.now() - s);
      }
      ms.sort((a, b) => a - b);
      console.log(
        `whole dashboard: median ${ms[Math.floor(RUNS / 2)]!.toFixed(1)} ms, max ${ms[RUNS - 1]!.toFixed(1)} ms` +
          ` (today ${f!.todayTotal.count}, waiting ${f!.waitingAtPartners.count}, failed ${f!.failedTransfers.count},` +
          ` COD ${f!.codPending.map((c) => `${c.amount} ${c.currency} / ${c.count}`).join(", ")})`,
      );
      const queries = dashboardQueries(db, ctx, dashboardDates());
      for (const [label, q] of Object.entries(queries)) {
        const { sql: text, params } = q.toSQL();
        const plan = await pg.unsafe(`explain (analyze, costs off, timing off, summary on) ${text}`, params as never[]);
        console.log(`\n-- ${label}\n${plan.map((r) => (r as Record<string, string>)["QUERY PLAN"]).join("\n")}`);
      }
    } finally {
      await pg.end();
      await dropDatabase(server.adminUrl, name);
    }
  },
};

// `npx tsx bench/dashboard.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  await dashboard.run();
  // The embedded server's child process would keep a lone run alive.
  process.exit(0);
}
