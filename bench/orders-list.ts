import { sql } from "drizzle-orm";
import { listOrders } from "../server/services/orders/list";
import type { Bench } from "./index";
import { ordersBenchData } from "./orders-data";

// The cabinet's order list at 1M orders of one company: first page, a deep page (keyset cursor), the filters and the
// sorted columns, each the median of several runs. The orders come from the shared builder (bench/orders-data.ts).

const TOTAL = Number(process.env.BENCH_LIST_ORDERS ?? 1_000_000);
const RUNS = 7;

export const ordersList: Bench = {
  name: "orders-list",
  async run() {
    const data = await ordersBenchData(TOTAL);
    const { db, ctx, clientIds } = data;
    try {
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
      const [{ id: midId } = { id: 0 }] = await db.execute<{ id: number }>(
        sql`select id from orders order by id limit 1 offset ${Math.floor(TOTAL / 2)}`,
      );
      await time("first page (50)", { limit: 50 });
      await time("page in the middle (keyset cursor)", { limit: 50, cursor: Number(midId) });
      await time("status = DELIVERY", { limit: 50, status: "DELIVERY" });
      await time("one client", { limit: 50, clientId: clientIds[3] });
      await time("number search «B-77777»", { limit: 50, search: "B-77777" });
      const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
      await time("date range (one day, 5 days ago)", { limit: 50, dateFrom: day, dateTo: day });
      for (const sort of ["number", "status", "receiver", "cod"] as const) {
        await time(`sorted by ${sort}, asc`, { limit: 50, sort, dir: "asc" });
        await time(`sorted by ${sort}, desc, page in the middle`, {
          limit: 50,
          sort,
          dir: "desc",
          cursor: Number(midId),
        });
      }
    } finally {
      await data.close();
    }
  },
};
export { ordersSearch } from "./orders-search";
