import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { createBranch, createClient, createCompany, createStaff } from "../db/test/factories";
import { dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import type { ServiceContext } from "../server/services/context";

// One company's orders for the list, search and export benches: names, phones, towns, addresses and barcodes varied
// as in life (a surname is shared by ~1 order in 40, a street by ~1 in 400), generated in PostgreSQL; the first
// client has exactly a tenth of them (the export's 100,000 at 1M). The built
// database is kept between runs (the benches only read it) and rebuilt when the migrations or this builder change
// or BENCH_ORDERS_FRESH=1.

const BUILDER_VERSION = 3;

const SURNAMES = [
  "Иванов",
  "Смирнов",
  "Кузнецов",
  "Попов",
  "Васильев",
  "Петров",
  "Соколов",
  "Михайлов",
  "Новиков",
  "Фёдоров",
  "Морозов",
  "Волков",
  "Алексеев",
  "Лебедев",
  "Семёнов",
  "Егоров",
  "Павлов",
  "Козлов",
  "Степанов",
  "Николаев",
  "Орлов",
  "Андреев",
  "Макаров",
  "Никитин",
  "Захаров",
  "Зайцев",
  "Соловьёв",
  "Борисов",
  "Яковлев",
  "Григорьев",
  "Романов",
  "Воробьёв",
  "Сергеев",
  "Кузьмин",
  "Фролов",
  "Александров",
  "Дмитриев",
  "Королёв",
  "Гусев",
  "Киселёв",
];
const MALE = [
  "Александр",
  "Дмитрий",
  "Максим",
  "Сергей",
  "Андрей",
  "Алексей",
  "Артём",
  "Илья",
  "Кирилл",
  "Михаил",
  "Никита",
  "Матвей",
  "Роман",
  "Егор",
  "Иван",
];
const FEMALE = [
  "Анна",
  "Мария",
  "Елена",
  "Ольга",
  "Наталья",
  "Татьяна",
  "Ирина",
  "Екатерина",
  "Светлана",
  "Юлия",
  "Анастасия",
  "Дарья",
  "Ксения",
  "Полина",
  "Виктория",
];
const PATRONYMIC = [
  "Александров",
  "Дмитриев",
  "Сергеев",
  "Андреев",
  "Алексеев",
  "Михайлов",
  "Иванов",
  "Петров",
  "Николаев",
  "Владимиров",
];
const TOWNS = [
  "Москва",
  "Санкт-Петербург",
  "Новосибирск",
  "Екатеринбург",
  "Казань",
  "Нижний Новгород",
  "Челябинск",
  "Самара",
  "Омск",
  "Ростов-на-Дону",
  "Уфа",
  "Красноярск",
  "Воронеж",
  "Пермь",
  "Волгоград",
];
const STREETS = [
  "ул. Ленина",
  "ул. Советская",
  "ул. Мира",
  "ул. Садовая",
  "ул. Молодёжная",
  "ул. Школьная",
  "ул. Лесная",
  "ул. Новая",
  "ул. Набережная",
  "ул. Гагарина",
  "ул. Пушкина",
  "ул. Кирова",
  "ул. Центральная",
  "ул. Заречная",
  "ул. Полевая",
  "ул. Октябрьская",
  "ул. Комсомольская",
  "ул. Первомайская",
  "ул. Строителей",
  "ул. Победы",
  "пр. Мира",
  "пр. Ленина",
  "ул. Чехова",
  "ул. Лермонтова",
  "ул. Горького",
  "ул. Калинина",
  "ул. Маяковского",
  "ул. Суворова",
  "ул. Береговая",
  "ул. Луговая",
  "ул. Солнечная",
  "ул. Зелёная",
  "ул. Рабочая",
  "ул. Вокзальная",
  "ул. Степная",
  "ул. Дачная",
  "ул. Северная",
  "ул. Южная",
  "ул. Космонавтов",
  "ул. Энтузиастов",
];

const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(",")}]::text[]`);

export interface OrdersBenchData {
  url: string;
  db: ReturnType<typeof createDatabase>["db"];
  total: number;
  companyId: number;
  clientIds: number[];
  ctx: ServiceContext;
  /** The database's LC_CTYPE: trigrams of Cyrillic text need a UTF-8 one. */
  ctype: string;
  close(): Promise<void>;
}

function cacheKey(total: number) {
  const journal = readFileSync(path.resolve("db/migrations/meta/_journal.json"), "utf8");
  return createHash("sha256").update(`${BUILDER_VERSION}:${total}:${journal}`).digest("hex").slice(0, 10);
}

/** The company's `total` orders in a cached database (built on first use). */
export async function ordersBenchData(total: number, log = console.log): Promise<OrdersBenchData> {
  const server = await ensureDatabaseServer({
    dataDir: ".data/pg-bench",
    port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54359),
    log: () => {},
  });
  const name = `kh_bench_orders_${total}_${cacheKey(total)}`;
  const url = withDatabase(server.adminUrl, name);
  const admin = postgres(server.adminUrl, { max: 1, onnotice: () => {} });
  let ready = false;
  try {
    const existing = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`kh_bench_orders_${total}_%`}`;
    for (const { datname } of existing) {
      if (datname === name && process.env.BENCH_ORDERS_FRESH !== "1") {
        const probe = postgres(url, { max: 1, onnotice: () => {} });
        try {
          ready = (await probe`select 1 from bench_meta where done`.catch(() => [])).length > 0;
        } finally {
          await probe.end();
        }
        if (ready) continue;
      }
      await dropDatabase(server.adminUrl, datname);
    }
    if (!ready) {
      // Trigram indexes see Cyrillic letters only under a UTF-8 ctype (a --locale=C cluster's default is C).
      await admin
        .unsafe(`create database "${name}" template template0 encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`)
        .catch(() => admin.unsafe(`create database "${name}"`));
    }
  } finally {
    await admin.end();
  }
  if (!ready) await build(url, total, log);
  else log(`reusing the cached ${total.toLocaleString("en")} orders (${name}; BENCH_ORDERS_FRESH=1 rebuilds)`);

  const { db, sql: pg } = createDatabase(url, { max: 2 });
  const [meta] = await db.execute<{ company_id: number; staff_id: number; client_ids: number[]; ctype: string }>(
    sql`select company_id, staff_id, client_ids, (select datctype from pg_database where datname = current_database()) ctype from bench_meta`,
  );
  return {
    url,
    db,
    total,
    companyId: meta!.company_id,
    clientIds: meta!.client_ids,
    ctype: meta!.ctype,
    ctx: { db, actor: { type: "staff", companyId: meta!.company_id, userId: meta!.staff_id, role: "admin" } },
    close: async () => {
      await pg.end();
      await server.stop();
    },
  };
}

async function build(url: string, total: number, log: (m: string) => void) {
  await runMigrations(url);
  const { db, sql: pg } = createDatabase(url, { max: 1 });
  try {
    const t0 = Date.now();
    const company = await createCompany(db, { extraCode: 101 });
    const staff = await createStaff(db, company.id);
    const clientIds: number[] = [];
    for (let i = 0; i < 20; i++) clientIds.push((await createClient(db, company.id)).id);
    await createBranch(db, company.id);
    // The migrations' own index definitions, dropped for the load and made again after it (much faster than
    // maintaining 5 GIN indexes row by row): the bench measures exactly the indexes the application has.
    const defs = await db.execute<{ name: string; def: string }>(sql`
      select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.tablename = 'orders' and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`);
    for (const d of defs) await db.execute(sql.raw(`drop index "${d.name}"`));
    const statuses = ["NEW", "ACCEPTED", "DELIVERY", "COMPLETE", "CANCELED"];
    await db.execute(sql`
      insert into orders (company_id, client_id, number, year, barcode, receiver_person, receiver_company,
                          receiver_phone, receiver_town, receiver_address, weight, cod_amount, status, created_at)
      select ${company.id}, (${sql.raw(`array[${clientIds.join(",")}]`)})[case when g % 10 = 0 then 1 else 2 + g % 19 end], 'B-' || g, 2026,
             case when g % 10 < 7 then '46' || lpad(((g::bigint * 2654435761) % 100000000000)::text, 11, '0') end,
             case when g % 2 = 0
               then (${arr(SURNAMES)})[1 + (g / 7) % 40] || ' ' || (${arr(MALE)})[1 + (g / 3) % 15] || ' '
                    || (${arr(PATRONYMIC)})[1 + (g / 11) % 10] || 'ич'
               else (${arr(SURNAMES)})[1 + (g / 7) % 40] || 'а ' || (${arr(FEMALE)})[1 + (g / 3) % 15] || ' '
                    || (${arr(PATRONYMIC)})[1 + (g / 11) % 10] || 'на' end,
             case when g % 10 = 0 then 'ООО «' || (${arr(STREETS)})[1 + (g / 13) % 40] || '»' end,
             -- Mostly as normalised on write (+7…), one in ten as a shop sent it.
             case when g % 10 = 9
               then '8 (9' || lpad(((g::bigint * 7919) % 100)::text, 2, '0') || ') '
                    || lpad(((g::bigint * 104729) % 1000)::text, 3, '0') || '-'
                    || lpad(((g::bigint * 31) % 100)::text, 2, '0') || '-' || lpad((g % 100)::text, 2, '0')
               else '+79' || lpad(((g::bigint * 7919 + 13) % 1000000000)::text, 9, '0') end,
             (${arr(TOWNS)})[1 + (g / 5) % 15],
             (${arr(STREETS)})[1 + (g / 17) % 40] || ', д. ' || (1 + (g / 3) % 120) || ', кв. ' || (1 + (g * 7) % 250),
             1.5, (g % 50) * 100, (${sql.raw(`array[${statuses.map((s) => `'${s}'`).join(",")}]`)})[1 + (g % 5)],
             now() - make_interval(secs => ${total} - g)
      from generate_series(1, ${total}) g`);
    log(`generated ${total.toLocaleString("en")} orders in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = Date.now();
    await db.execute(sql`set maintenance_work_mem = '256MB'`);
    for (const d of defs) await db.execute(sql.raw(d.def));
    await db.execute(sql`vacuum analyze orders`);
    log(`indexed (${defs.length} indexes) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    await db.execute(sql`create table bench_meta (company_id int, staff_id int, client_ids int[], done boolean)`);
    await db.execute(sql`
      insert into bench_meta values (${company.id}, ${staff.id}, ${sql.raw(`array[${clientIds.join(",")}]`)}, true)`);
  } finally {
    await pg.end();
  }
}
