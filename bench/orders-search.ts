import { spawn } from "node:child_process";
import { createReadStream, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { sql } from "drizzle-orm";
import { listOrders } from "../server/services/orders/list";
import type { ListOrdersInput, SearchKind } from "../server/services/orders/schemas";
import type { Bench } from "./index";
import { ordersBenchData } from "./orders-data";

// The order list's search at 1M orders (the shared builder's company): p95 of the first page with its total, per
// kind of search, each over SAMPLES different values taken from real rows; searched as the list's default «везде»
// (the kind guessed from the text) and with the kind chosen. Then the export of one client's 100,000 orders to xlsx and
// csv in a child process (the web process's part: the service the route runs), its peak RSS sampled every 20 ms.

const TOTAL = Number(process.env.BENCH_LIST_ORDERS ?? 1_000_000);
const SAMPLES = 20;

const p = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

export const ordersSearch: Bench = {
  name: "orders-search",
  async run() {
    const data = await ordersBenchData(TOTAL);
    const { db, ctx } = data;
    try {
      console.log(`database ctype ${data.ctype}; ${SAMPLES} values per kind, first page (50) + total each`);
      // Rows spread over the table (numbers B-1 … B-1000000), the same on every run.
      const picks = await db.execute<{
        number: string;
        barcode: string | null;
        person: string;
        phone: string;
        town: string;
        address: string;
      }>(sql`
        select number, barcode, receiver_person person, receiver_phone phone, receiver_town town, receiver_address address
        from orders where company_id = ${data.companyId} and barcode is not null order by md5(id::text) limit ${SAMPLES}`);
      const digitsOf = (s: string) => s.replace(/\D/g, "");
      const phone10 = (s: string) => digitsOf(s).slice(-10);
      const cases: { label: string; kind: SearchKind; values: string[] }[] = [
        { label: "number part (5 digits)", kind: "number", values: picks.map((r) => digitsOf(r.number).slice(-6, -1)) },
        { label: "barcode part (6 digits)", kind: "barcode", values: picks.map((r) => r.barcode!.slice(4, 10)) },
        {
          label: "receiver: surname + name",
          kind: "receiver",
          values: picks.map((r) => r.person.split(" ").slice(0, 2).join(" ")),
        },
        {
          label: "receiver: surname only (~1/40)",
          kind: "receiver",
          values: picks.map((r) => r.person.split(" ")[0]!),
        },
        {
          label: "phone «+7 (912) 345-67-89»",
          kind: "phone",
          values: picks.map((r) => {
            const d = phone10(r.phone);
            return `+7 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
          }),
        },
        { label: "phone «89123456789»", kind: "phone", values: picks.map((r) => `8${phone10(r.phone)}`) },
        { label: "phone «9123456789»", kind: "phone", values: picks.map((r) => phone10(r.phone)) },
        {
          label: "address: street + house («Ленина, д. 12»)",
          kind: "address",
          values: picks.map((r) =>
            r.address
              .split(", ")
              .slice(0, 2)
              .join(" ")
              .replace(/^(ул|пр)\. /, ""),
          ),
        },
        {
          label: "address: town + street",
          kind: "address",
          values: picks.map((r) => `${r.town} ${r.address.split(",")[0]!.replace(/^(ул|пр)\. /, "")}`),
        },
      ];

      const measure = async (inputs: ListOrdersInput[]) => {
        const ms: number[] = [];
        const found: number[] = [];
        for (const input of inputs) await listOrders({ ctx, input }); // warm: the first touch of each value's pages
        for (const input of inputs) {
          const s = performance.now();
          const r = await listOrders({ ctx, input });
          ms.push(performance.now() - s);
          found.push(r.total!.more ? Infinity : r.total!.count);
        }
        ms.sort((a, b) => a - b);
        found.sort((a, b) => a - b);
        const med = found[Math.floor(found.length / 2)]!;
        return {
          p50: p(ms, 0.5),
          p95: p(ms, 0.95),
          max: ms[ms.length - 1]!,
          found: med === Infinity ? "more than the cap" : String(med),
        };
      };
      const line = (
        label: string,
        auto: Awaited<ReturnType<typeof measure>> | null,
        kind: Awaited<ReturnType<typeof measure>>,
      ) =>
        console.log(
          `${label.padEnd(44)} ${auto ? `«везде» p95 ${auto.p95.toFixed(1).padStart(6)} ms` : " ".repeat(23)}  ` +
            `kind chosen p95 ${kind.p95.toFixed(1).padStart(6)} ms (p50 ${kind.p50.toFixed(1)}, max ${kind.max.toFixed(1)}), median found ${kind.found}`,
        );
      for (const c of cases) {
        const auto = await measure(c.values.map((search) => ({ search })));
        const kind = await measure(c.values.map((search) => ({ search, searchKind: c.kind })));
        line(c.label, auto, kind);
      }
      // The one-day filter: each of the last SAMPLES days (today is partial), newest first with its total.
      const days = Array.from({ length: Math.min(SAMPLES, 10) }, (_, i) =>
        new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10),
      );
      line(
        "date filter: one day (today … 9 days ago)",
        null,
        await measure(days.map((d) => ({ dateFrom: d, dateTo: d }))),
      );
      line("no filter: first page + total", null, await measure(days.map(() => ({}))));

      const exportClient = data.clientIds[0]!;
      const [{ n } = { n: 0 }] = await db.execute<{ n: number }>(
        sql`select count(*)::int n from orders where company_id = ${data.companyId} and client_id = ${exportClient}`,
      );
      for (const format of ["xlsx", "csv"] as const) {
        const r = await exportInChild(data.url, data.companyId, exportClient, format);
        console.log(
          `export ${format} of ${n.toLocaleString("en")} orders (one client): ${(r.ms / 1000).toFixed(1)} s, ` +
            `${(r.bytes / 1e6).toFixed(1)} MB, ${r.rows.toLocaleString("en")} data rows; child RSS before ${r.rssBefore} MB, ` +
            `peak ${r.rssPeak} MB (JS heap peak ${r.heapPeak} MB, buffers peak ${r.buffersPeak} MB)`,
        );
      }
    } finally {
      await data.close();
    }
  },
};

/** The export service in its own process (as the web process runs it); the file is then counted here. */
async function exportInChild(url: string, companyId: number, clientId: number, format: "xlsx" | "csv") {
  const file = path.join(tmpdir(), `kh-bench-export-${process.pid}.${format}`);
  const r = await runChild(url, companyId, clientId, format, file);
  let rows = 0;
  if (format === "csv") {
    for await (const line of createInterface({ input: createReadStream(file) })) if (line) rows++;
  } else {
    const { default: ExcelJS } = await import("exceljs");
    for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(file, {})) for await (const _ of sheet) rows++;
  }
  rmSync(file, { force: true });
  return { ...r, rows: rows - 1 };
}

function runChild(url: string, companyId: number, clientId: number, format: "xlsx" | "csv", file: string) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.resolve("bench/orders-export-child.ts"),
      url,
      String(companyId),
      String(clientId),
      format,
      file,
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env } },
  );
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise<{
    ms: number;
    bytes: number;
    rssBefore: number;
    rssPeak: number;
    heapPeak: number;
    buffersPeak: number;
  }>((resolve, reject) => {
    child.once("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`export child exited ${code}: ${out}`));
      resolve(
        JSON.parse(last) as {
          ms: number;
          bytes: number;
          rssBefore: number;
          rssPeak: number;
          heapPeak: number;
          buffersPeak: number;
        },
      );
    });
  });
}
