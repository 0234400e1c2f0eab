import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import bcrypt from "bcryptjs";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { clients, companies } from "../db/schema";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import { createXmlApiServer } from "../server/xmlapi/http-server";
import type { Bench } from "./index";

// neworder ingest through real HTTP over loopback (100 orders per request and 1 per request), against the raw
// PostgreSQL batch-insert rate of the same rows, on a throwaway database.

const BATCH = 100;
const BATCH_REQUESTS = 40; // 4,000 orders
const SINGLE_REQUESTS = 1000;
const CONCURRENCY = 4;

function orderXml(no: string) {
  return `<order orderno="${no}"><sender><company>Демо-магазин</company><person>Ирина</person><phone>+7 495 123-45-67</phone><town>Москва</town><address>ул. Тверская, 1</address></sender><receiver><person>Иванов Иван</person><phone>+7 900 123-45-67</phone><town regioncode="69">Тверь</town><address>ул. Ленина, д. 5, кв. 3</address></receiver><weight>1.2</weight><quantity>1</quantity><paytype>CASH</paytype><service>1</service><price>1990</price><deliveryprice>250</deliveryprice><inshprice>1990</inshprice><enclosure>Лампа</enclosure><items><item article="SKU-9" quantity="1" mass="1.2" retprice="1990" VATrate="20">Настольная лампа</item></items><packages><package strbarcode="${no}-1" mass="1.2" length="30" width="20" height="15"/></packages></order>`;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function runLoad(url: string, auth: string, requests: number, perRequest: number, prefix: string) {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < requests) {
      const r = next++;
      const body = `<neworder>${auth}${Array.from({ length: perRequest }, (_, i) => orderXml(`${prefix}-${r}-${i}`)).join("")}</neworder>`;
      const t0 = performance.now();
      const res = await fetch(url, { method: "POST", body, headers: { "content-type": "text/xml; charset=utf-8" } });
      const text = await res.text();
      latencies.push(performance.now() - t0);
      const ok = text.match(/error="0"/g)?.length ?? 0;
      if (res.status !== 200 || ok !== perRequest) errors++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  return {
    ordersPerSec: (requests * perRequest) / seconds,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    errors,
    seconds,
  };
}

/** The same rows straight into PostgreSQL: multi-row INSERTs of 100 orders with their item, place and history rows. */
async function rawInsert(
  sql: ReturnType<typeof createDatabase>["sql"],
  companyId: number,
  clientId: number,
  total: number,
) {
  const year = new Date().getFullYear();
  const start = performance.now();
  for (let b = 0; b < total / BATCH; b++) {
    await sql.begin(async (tx) => {
      const now = new Date().toISOString();
      const rows = Array.from({ length: BATCH }, (_, i) => ({
        company_id: companyId,
        client_id: clientId,
        number: `RAW-${b}-${i}`,
        year,
        sender_company: "Демо-магазин",
        sender_person: "Ирина",
        sender_phone: "+7 495 123-45-67",
        sender_town: "Москва",
        sender_address: "ул. Тверская, 1",
        receiver_person: "Иванов Иван",
        receiver_phone: "+7 900 123-45-67",
        receiver_town: "Тверь",
        receiver_region_code: "69",
        receiver_address: "ул. Ленина, д. 5, кв. 3",
        weight: "1.2",
        quantity: 1,
        cod_amount: "1990",
        declared_value: "1990",
        delivery_price: "250",
        pay_type: "CASH",
        service_code: 1,
        enclosure: "Лампа",
        status: "NEW",
        status_at: now,
        source: "api",
        created_at: now,
        updated_at: now,
      }));
      const ids = await tx`insert into orders ${tx(rows)} returning id`;
      await tx`insert into order_items ${tx(ids.map((r) => ({ order_id: r.id, company_id: companyId, name: "Настольная лампа", article: "SKU-9", quantity: "1", mass: "1.2", retail_price: "1990", vat_rate: 20 })))}`;
      await tx`insert into order_packages ${tx(ids.map((r) => ({ order_id: r.id, company_id: companyId, barcode: "P-1", mass: "1.2", length: "30", width: "20", height: "15", quantity: 1 })))}`;
      await tx`insert into order_status_history ${tx(ids.map((r) => ({ order_id: r.id, company_id: companyId, status: "NEW", event_time: now, source: "api", comment: "Заказ создан" })))}`;
    });
  }
  return total / ((performance.now() - start) / 1000);
}

export const xmlIngest: Bench = {
  name: "xml-ingest",
  async run() {
    const server = await ensureDatabaseServer({
      dataDir: ".data/pg-bench",
      port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54349),
      log: () => {},
    });
    const name = `kh_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    await createDatabaseIfMissing(server.adminUrl, name);
    const conn = createDatabase(withDatabase(server.adminUrl, name), { max: 10 });
    const http = createXmlApiServer(conn.db);
    try {
      await runMigrations(withDatabase(server.adminUrl, name));
      const [company] = await conn.db.insert(companies).values({ name: "Бенчмарк", extraCode: 9_000_001 }).returning();
      const [client] = await conn.db
        .insert(clients)
        .values({ companyId: company!.id, name: "Магазин", login: "bench", passwordHash: bcrypt.hashSync("bench", 10) })
        .returning();
      await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/`;
      const auth = `<auth extra="9000001" login="bench" pass="bench"/>`;

      await runLoad(url, auth, 8, 10, "warm"); // JIT, pools, auth cache
      const batched = await runLoad(url, auth, BATCH_REQUESTS, BATCH, "B");
      const single = await runLoad(url, auth, SINGLE_REQUESTS, 1, "S");
      const raw = await rawInsert(conn.sql, company!.id, client!.id, BATCH * BATCH_REQUESTS);

      const f = (n: number) => n.toFixed(0).padStart(7);
      const ms = (n: number) => `${n.toFixed(1)} ms`;
      console.log(
        `database: ${server.embedded ? "embedded PostgreSQL" : "DATABASE_URL server"}, HTTP over loopback, ${CONCURRENCY} client connections`,
      );
      console.log(
        `neworder ${BATCH}/request : ${f(batched.ordersPerSec)} orders/s  p50 ${ms(batched.p50)}  p95 ${ms(batched.p95)}  (${BATCH_REQUESTS} requests, errors ${batched.errors})`,
      );
      console.log(
        `neworder 1/request   : ${f(single.ordersPerSec)} orders/s  p50 ${ms(single.p50)}  p95 ${ms(single.p95)}  (${SINGLE_REQUESTS} requests, errors ${single.errors})`,
      );
      console.log(`raw batch insert     : ${f(raw)} orders/s  (same rows, ${BATCH} per transaction)`);
      console.log(`ratio batched / raw  : ${(batched.ordersPerSec / raw).toFixed(2)}  (target ≥ 0.30)`);
      console.log(`ratio single / raw   : ${(single.ordersPerSec / raw).toFixed(2)}`);
    } finally {
      await new Promise<void>((r) => http.close(() => r()));
      await conn.sql.end();
      await dropDatabase(server.adminUrl, name);
      await server.stop();
    }
  },
};
