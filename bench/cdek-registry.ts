import { randomBytes } from "node:crypto";
import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { integrations } from "../db/schema";
import { createBranch, createClient, createCompany, createStaff } from "../db/test/factories";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import type { ServiceContext } from "../server/services/context";
import { applyRemittance, previewRemittance } from "../server/services/remittances";
import { parseRegistryFile } from "../server/services/remittances/parse";
import type { Bench } from "./index";

// A CDEK COD registry of 5,000 lines for 5,000 orders handed to CDEK, loaded as a csv and as an xlsx: the file parse
// alone, the preview, the posting (document, lines, agent prices in one transaction) and the second posting that
// finds it loaded. The company has a history of other CDEK transfers, so matching is not done on an empty table.

const LINES = Number(process.env.BENCH_REGISTRY_LINES ?? 5000);
const HISTORY = Number(process.env.BENCH_REGISTRY_HISTORY ?? 200_000);
const RUNS = 3;

const HEADER =
  "Номер реестра;Дата платежа;Номер платёжного поручения;Номер заказа СДЭК;Наложенный платёж;Сумма к перечислению;Сумма без агентского;Агентское вознаграждение";

export const cdekRegistry: Bench = {
  name: "cdek-registry",
  async run() {
    const server = await ensureDatabaseServer({
      dataDir: ".data/pg-bench",
      port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54359),
      log: () => {},
    });
    const name = `kh_bench_registry_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    await createDatabaseIfMissing(server.adminUrl, name);
    const url = withDatabase(server.adminUrl, name);
    await runMigrations(url);
    const { db, sql: pg } = createDatabase(url, { max: 4 });
    try {
      const company = await createCompany(db, { extraCode: 102 });
      const staff = await createStaff(db, company.id);
      const client = await createClient(db, company.id);
      const branch = await createBranch(db, company.id);
      const [cdek] = await db
        .insert(integrations)
        .values({ companyId: company.id, branchId: branch.id, integrator: "cdek", settings: {} })
        .returning({ id: integrations.id });
      const t0 = Date.now();
      // Orders 1..HISTORY are older CDEK hand-overs; the last LINES are the ones this registry pays for.
      const total = HISTORY + LINES;
      await db.execute(sql`
        insert into orders (company_id, client_id, number, year, receiver_person, receiver_phone, receiver_town, receiver_address, weight, cod_amount, status)
        select ${company.id}, ${client.id}, 'R-' || g, 2026, 'Получатель ' || g, '+7 900 000-00-00', 'Москва', 'ул. Ленина, 1', 1.5, 1000, 'DELIVERY'
        from generate_series(1, ${total}) g`);
      await db.execute(sql`
        insert into transfers (company_id, order_id, integration_id, state, partner_number, partner_order_code, sent_at)
        select o.company_id, o.id, ${cdek!.id}, 'sent', o.number, (5000000000 + row_number() over (order by o.id))::text, now()
        from orders o where o.company_id = ${company.id}`);
      await db.execute(sql`analyze orders`);
      await db.execute(sql`analyze transfers`);
      console.log(
        `set-up: ${total.toLocaleString("en")} orders handed to CDEK in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );

      const ctx: ServiceContext = {
        db,
        actor: { type: "staff", companyId: company.id, userId: staff.id, role: "admin" },
      };
      const codes = Array.from({ length: LINES }, (_, i) => String(5_000_000_000 + HISTORY + i + 1));
      // 1 line in 100 with a different COD, as real registries have a few.
      const rows = codes.map((c, i) => [
        "R-BENCH",
        "30.11.2026",
        "777",
        c,
        i % 100 === 0 ? "990,00" : "1000,00",
        "965,00",
        "25,00",
        "10,00",
      ]);
      const csv = Buffer.from([HEADER, ...rows.map((r) => r.join(";"))].join("\r\n"), "utf8");
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet("Реестр");
      ws.addRow(HEADER.split(";"));
      for (const r of rows)
        ws.addRow([r[0], r[1], r[2], Number(r[3]), ...r.slice(4).map((v) => Number(v!.replace(",", ".")))]);
      const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
      console.log(
        `files: csv ${(csv.length / 1024).toFixed(0)} KB, xlsx ${(xlsx.length / 1024).toFixed(0)} KB, ${LINES} lines`,
      );

      const rate = (ms: number) => `${Math.round(LINES / (ms / 1000)).toLocaleString("en")} lines/s`;
      const median = async (label: string, fn: () => Promise<unknown>) => {
        const ms: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const s = performance.now();
          await fn();
          ms.push(performance.now() - s);
        }
        ms.sort((a, b) => a - b);
        const m = ms[Math.floor(RUNS / 2)]!;
        console.log(
          `${label.padEnd(34)} median ${m.toFixed(0).padStart(6)} ms (${rate(m)}), max ${ms.at(-1)!.toFixed(0)} ms`,
        );
      };
      const once = async <T>(label: string, fn: () => Promise<T>) => {
        const s = performance.now();
        const result = await fn();
        const ms = performance.now() - s;
        console.log(`${label.padEnd(34)}        ${ms.toFixed(0).padStart(6)} ms (${rate(ms)})`);
        return result;
      };

      const input = (kind: "csv" | "xlsx") => ({
        integrationId: cdek!.id,
        source: {
          kind: "file" as const,
          fileName: `registry.${kind}`,
          contentBase64: (kind === "csv" ? csv : xlsx).toString("base64"),
        },
      });
      await median("parse csv", () => parseRegistryFile(csv, "registry.csv"));
      await median("parse xlsx", () => parseRegistryFile(xlsx, "registry.xlsx"));
      await median("preview csv", () => previewRemittance({ ctx, input: input("csv") }));
      await median("preview xlsx", () => previewRemittance({ ctx, input: input("xlsx") }));
      const preview = await previewRemittance({ ctx, input: input("csv") });
      const c = preview.registries[0]!.counts;
      console.log(`preview counts: matched ${c.matched}, mismatch ${c.mismatch}, unknown ${c.unknown}`);
      const posted = await once("post csv (first)", () =>
        applyRemittance({ ctx, input: { ...input("csv"), digest: preview.digest } }),
      );
      const again = await once("post csv (second: already loaded)", () =>
        applyRemittance({ ctx, input: input("csv") }),
      );
      const [priced] = await db.execute<{ n: string }>(
        sql`select count(*) as n from orders where company_id = ${company.id} and agent_price = 35`,
      );
      console.log(
        `posted: ${posted.created.map((d) => `${d.number} ${d.lineCount} lines, ${d.problemCount} problems`).join("; ")}; ` +
          `agent price on ${priced!.n} orders; second: «${again.message}»`,
      );
    } finally {
      await pg.end();
      await dropDatabase(server.adminUrl, name);
      await server.stop();
    }
  },
};
