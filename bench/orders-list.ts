import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { createBranch, createClient, createCompany, createStaff } from "../db/test/factories";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import type { ServiceContext } from "../server/services/context";
import { listOrders } from "../server/services/orders/list";
import type { Bench } from "./index";

// The cabinet's order list at 1M orders of one company: first page, a deep page (keyset cursor), and the filters,
// each the median of several runs. Rows are generated in PostgreSQL to keep the set-up short.

const TOTAL = Number(process.env.BENCH_LIST_ORDERS ?? 1_000_000);
const RUNS = 7;

export const ordersList: Bench = {
  name: "orders-list",
  async run() {
    const server = await ensureDatabaseServer({
      dataDir: ".data/pg-bench",
      port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54359),
      log: () => {},
    });
    const name = `kh_bench_list_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    await createDatabaseIfMissing(server.adminUrl, name);
    const url = withDatabase(server.adminUrl, name);
    await runMigrations(url);
    const { db, sql: pg } = createDatabase(url, { max: 2 });
    try {
      const company = await createCompany(db, { extraCode: 101 });
      const staff = await createStaff(db, company.id);
      const clientIds: number[] = [];
      for (let i = 0; i < 20; i++) clientIds.push((await createClient(db, company.id)).id);
      await createBranch(db, company.id);
      const t0 = Date.now();
      const statuses = ["NEW", "ACCEPTED", "DELIVERY", "COMPLETE", "CANCELED"];
      await db.execute(sql`
        insert into orders (company_id, client_id, number, year, receiver_person, receiver_phone, receiver_town, receiver_address, weight, cod_amount, status, created_at)
        select ${company.id}, (${sql.raw(`array[${clientIds.join(",")}]`)})[1 + (g % 20)], 'B-' || g, 2026, 'Получатель ' || g, '+7 900 000-00-00', 'Москва', 'ул. Ленина, ' || (g % 100),
               1.5, 1000, (${sql.raw(`array[${statuses.map((s) => `'${s}'`).join(",")}]`)})[1 + (g % 5)], now() - make_interval(secs => ${TOTAL} - g)
        from generate_series(1, ${TOTAL}) g`);
      await db.execute(sql`analyze orders`);
      console.log(`generated ${TOTAL.toLocaleString("en")} orders in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

      const ctx: ServiceContext = {
        db,
        actor: { type: "staff", companyId: company.id, userId: staff.id, role: "admin" },
      };
      const time = async (label: string, input: Parameters<typeof listOrders>[0]["input"]) => {
        const ms: number[] = [];
        let rows = 0;
        for (let i = 0; i < RUNS; i++) {
          const s = performance.now();
          rows = (await listOrders({ ctx, input })).items.length;
          ms.push(performance.now() - s);
        }
        ms.sort((a, b) => a - b);
        console.log(
          `${label.padEnd(44)} median ${ms[Math.floor(RUNS / 2)]!.toFixed(1)} ms, max ${ms[RUNS - 1]!.toFixed(1)} ms (${rows} rows)`,
        );
      };
      const deepCursor = Math.floor(TOTAL / 2);
      const [{ id: midId } = { id: 0 }] = await db.execute<{ id: number }>(
        sql`select id from orders order by id limit 1 offset ${deepCursor}`,
      );
      await time("first page (50)", { limit: 50 });
      await time("page in the middle (keyset cursor)", { limit: 50, cursor: Number(midId) });
      await time("status = DELIVERY", { limit: 50, status: "DELIVERY" });
      await time("one client", { limit: 50, clientId: clientIds[3] });
      await time("number prefix search «B-77777»", { limit: 50, search: "B-77777" });
      const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
      await time("date range (one day, 5 days ago)", { limit: 50, dateFrom: day, dateTo: day });
    } finally {
      await pg.end();
      await dropDatabase(server.adminUrl, name);
      await server.stop();
    }
  },
};
