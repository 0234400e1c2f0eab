import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { manifests } from "../db/schema";
import { createBranch, createClient, createCompany, createStaff } from "../db/test/factories";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import type { ServiceContext } from "../server/services/context";
import { openDocument } from "../server/services/documents/open";
import { LABEL_FORMATS, type LabelFormat } from "../server/services/documents/schemas";
import type { Bench } from "./index";

// Labels of a manifest of 1,000 orders (one place each) as one PDF, the way the route serves it: read from the
// database a chunk at a time, rendered as the stream is read. Printed: seconds to the first byte and to the end, pages a second, the
// file's size and the process's peak RSS (sampled every 5 ms) above what it was before. BENCH_LABEL_ORDERS changes
// the count; BENCH_LABEL_FORMATS (comma-separated) the formats.

const TOTAL = Number(process.env.BENCH_LABEL_ORDERS ?? 1_000);
const FORMATS = (process.env.BENCH_LABEL_FORMATS ?? "58x40,a4")
  .split(",")
  .filter((f): f is LabelFormat => (LABEL_FORMATS as readonly string[]).includes(f));

export const labels: Bench = {
  name: "labels",
  async run() {
    const server = await ensureDatabaseServer({
      dataDir: ".data/pg-bench",
      port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54359),
      log: () => {},
    });
    const name = `kh_bench_labels_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    await createDatabaseIfMissing(server.adminUrl, name);
    const url = withDatabase(server.adminUrl, name);
    await runMigrations(url);
    const { db, sql: pg } = createDatabase(url, { max: 4 });
    try {
      const company = await createCompany(db, { extraCode: 101, name: "ООО «Курьер-Хаб Альфа»" });
      const staff = await createStaff(db, company.id);
      const client = await createClient(db, company.id, { name: "Интернет-магазин «Ромашка»" });
      const branch = await createBranch(db, company.id);
      const [manifest] = await db
        .insert(manifests)
        .values({ companyId: company.id, number: "M-BENCH", responsibleBranchId: branch.id, state: "assembled" })
        .returning();
      await db.execute(sql`
        insert into orders (company_id, client_id, number, year, barcode, receiver_person, receiver_phone, receiver_town,
                            receiver_address, weight, cod_amount, quantity, manifest_id)
        select ${company.id}, ${client.id}, 'L-' || g, 2026, 'KH' || lpad(g::text, 10, '0'), 'Получатель Иван ' || g,
               '+79130000000', 'Новосибирск', 'Красный проспект, д. ' || (g % 200) || ', кв. ' || (g % 90), 1.5,
               1000 + g, 1, ${manifest!.id}
        from generate_series(1, ${TOTAL}) g`);
      const ctx: ServiceContext = {
        db,
        actor: { type: "staff", companyId: company.id, userId: staff.id, role: "admin" },
      };
      console.log(`a manifest of ${TOTAL.toLocaleString("en")} orders, one place each`);

      for (const format of FORMATS) {
        global.gc?.();
        const baseline = process.memoryUsage().rss;
        const heapBefore = process.memoryUsage().heapUsed;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
        const mb = (v: number) => `${(v / 1024 / 1024).toFixed(1)} MB`;
        const start = performance.now();
        const doc = await openDocument({ ctx, input: { kind: "labels", format, manifestId: manifest!.id } });
        let bytes = 0;
        let firstByte = 0;
        // Read as a client over the network would: chunk by chunk, nothing kept.
        for await (const chunk of doc.stream as unknown as AsyncIterable<Uint8Array>) {
          if (!firstByte) firstByte = performance.now() - start;
          bytes += chunk.byteLength;
        }
        const seconds = (performance.now() - start) / 1000;
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        // With --expose-gc (NODE_OPTIONS): what stays once the garbage is collected, which is what a leak would show.
        global.gc?.();
        const heapAfter = global.gc ? `, heap after GC +${mb(process.memoryUsage().heapUsed - heapBefore)}` : "";
        const pages = format === "a4" ? Math.ceil(doc.labels / 8) : doc.labels;
        console.log(
          `${format.padEnd(8)} ${doc.labels} labels, ${pages} pages in ${seconds.toFixed(2)} s ` +
            `(first byte ${(firstByte / 1000).toFixed(2)} s), ${Math.round(pages / seconds)} pages/s, ` +
            `file ${mb(bytes)}, peak RSS ${mb(peak)} (+${mb(peak - baseline)} over ${mb(baseline)} before)${heapAfter}`,
        );
      }
    } finally {
      await pg.end();
      await dropDatabase(server.adminUrl, name);
      await server.stop();
    }
  },
};
