import { createDatabase } from "../db/client";
import { createClient, createCompany, createStaff } from "../db/test/factories";
import type { ServiceContext } from "../server/services/context";
import { importStep, uploadImport } from "../server/services/orders/import";
import { chunked, sampleXlsx } from "../server/services/orders/import/sample-file";
import type { Bench } from "./index";
import { benchDatabase } from "./support";

// Excel import: a 10,000-row xlsx with 5 % bad rows uploaded (streamed parse into the staging table + the preview's
// checks), then imported step by step as the page does; then the same file again. Peak RSS is sampled every 20 ms.

const ROWS = 10_000;

export const importBench: Bench = {
  name: "import",
  async run() {
    const bench = await benchDatabase("import");
    const { db, sql } = createDatabase(bench.url, { max: 4 });
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const company = await createCompany(db);
      const staff = await createStaff(db, company.id);
      const client = await createClient(db, company.id);
      const ctx: ServiceContext = {
        db,
        actor: { type: "staff", companyId: company.id, userId: staff.id, role: "admin" },
      };
      const file = await sampleXlsx({ rows: ROWS, badEvery: 20, prefix: "B" });
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      console.log(`file: ${ROWS} rows, ${mb(file.length)} xlsx; RSS before upload ${mb(process.memoryUsage().rss)}`);
      peak = process.memoryUsage().rss;

      const once = async (label: string) => {
        let t = performance.now();
        const up = await uploadImport({
          ctx,
          input: { clientId: client.id, fileName: "bench.xlsx", body: chunked(file) },
        });
        const preview = (performance.now() - t) / 1000;
        t = performance.now();
        let v = up;
        let steps = 0;
        while (v.status !== "done") {
          v = await importStep({ ctx, input: { id: up.id } });
          steps++;
        }
        const imported = (performance.now() - t) / 1000;
        console.log(
          `${label}: upload + preview ${preview.toFixed(2)} s (valid ${up.validRows}, invalid ${up.invalidRows}, ` +
            `already there ${up.existingRows}); import ${imported.toFixed(2)} s in ${steps} steps ` +
            `(created ${v.createdRows}, ${v.createdRows ? Math.round(v.createdRows / imported) : 0} orders/s)`,
        );
      };
      await once("first file ");
      await once("same again ");
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from orders where client_id = ${client.id}`;
      const n = row?.n ?? 0;
      console.log(`orders of the client: ${n} (expected ${ROWS - ROWS / 20}); peak RSS ${mb(peak)}`);
    } finally {
      clearInterval(sampler);
      await sql.end();
      await bench.drop();
    }
  },
};
