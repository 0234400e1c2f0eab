import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { searchKey } from "@/db/reference/load";
import { orders, refRegions, refTowns } from "@/db/schema";

export { searchKey };
export type Town = typeof refTowns.$inferSelect & { regionName: string; regionFullName: string; regionType: string };

// 1,117 towns: kept in memory so resolving the towns of a 100-order request costs no query.
const TTL_MS = 10 * 60_000;
let cached:
  { expires: number; byName: Map<string, Town[]>; byCode: Map<number, Town>; byZip: Map<string, Town> } | undefined;

async function towns(db: Queryable) {
  if (cached && cached.expires > Date.now()) return cached;
  const rows = await db
    .select({
      town: refTowns,
      regionName: refRegions.name,
      regionFullName: refRegions.fullName,
      regionType: refRegions.typeShort,
    })
    .from(refTowns)
    .innerJoin(refRegions, eq(refRegions.code, refTowns.regionCode))
    .orderBy(desc(refTowns.population));
  const byName = new Map<string, Town[]>();
  const byCode = new Map<number, Town>();
  const byZip = new Map<string, Town>();
  for (const r of rows) {
    const t: Town = { ...r.town, regionName: r.regionName, regionFullName: r.regionFullName, regionType: r.regionType };
    const list = byName.get(t.searchName) ?? [];
    list.push(t);
    byName.set(t.searchName, list);
    byCode.set(t.code, t);
    if (t.zip && !byZip.has(t.zip)) byZip.set(t.zip, t);
  }
  // Only a non-empty table is worth keeping: a database migrated a moment later must not stay "empty" for 10 minutes.
  if (rows.length) cached = { expires: Date.now() + TTL_MS, byName, byCode, byZip };
  return { byName, byCode, byZip };
}

/** Strips the type prefixes shops put in front of names: «г. Тверь», «город Тверь», «г Тверь». */
function bareName(s: string): string {
  return searchKey(s)
    .replace(/^(г\.|г |город |пгт\.? |с\. |пос\. |п\. )\s*/u, "")
    .trim();
}

/**
 * A town given by name (optionally with region code) or by its numeric code; the most populous match wins when a
 * name is ambiguous (Киров in the Kirov and Kaluga regions), unless the region code settles it.
 */
export async function resolveTown(
  db: Queryable,
  input: { name?: string | null; regionCode?: string | null; zip?: string | null },
): Promise<Town | null> {
  const t = await towns(db);
  const name = input.name?.trim();
  if (name) {
    if (/^\d{1,9}$/.test(name)) return t.byCode.get(Number(name)) ?? null;
    const candidates = t.byName.get(bareName(name)) ?? t.byName.get(searchKey(name)) ?? [];
    const region = input.regionCode?.trim();
    if (region) {
      const inRegion = candidates.find((c) => c.regionCode === region.padStart(2, "0"));
      if (inRegion) return inRegion;
    }
    return candidates[0] ?? null;
  }
  if (input.zip?.trim()) return t.byZip.get(input.zip.trim()) ?? null;
  return null;
}

export interface TownListInput {
  code?: string;
  zipcode?: string;
  kladrcode?: string;
  fiascode?: string;
  region?: string;
  namecontains?: string;
  namestarts?: string;
  name?: string;
  fullname?: string;
  country?: string;
  limitFrom?: number;
  limitCount?: number;
}

const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const RUSSIA = new Set(["", "643", "ru", "rus", "россия", "российская федерация"]);

/** townlist: the reference towns, most populous first, then by name. */
export async function listTowns(db: Queryable, q: TownListInput) {
  if (q.country !== undefined && !RUSSIA.has(searchKey(q.country))) return { total: 0, items: [] };
  const where: (SQL | undefined)[] = [];
  if (q.code) where.push(/^\d{1,9}$/.test(q.code) ? eq(refTowns.code, Number(q.code)) : sql`false`);
  if (q.zipcode) where.push(eq(refTowns.zip, q.zipcode));
  if (q.kladrcode) where.push(eq(refTowns.kladrCode, q.kladrcode));
  if (q.fiascode) where.push(eq(refTowns.fiasCode, q.fiascode.toLowerCase()));
  if (q.region) {
    const r = q.region.trim();
    where.push(
      /^\d{1,2}$/.test(r)
        ? eq(refTowns.regionCode, r.padStart(2, "0"))
        : sql`${refRegions.searchName} = ${searchKey(r)} or lower(${refRegions.fullName}) = ${searchKey(r)}`,
    );
  }
  if (q.name) where.push(eq(refTowns.searchName, bareName(q.name)));
  if (q.namestarts) where.push(sql`${refTowns.searchName} like ${like(searchKey(q.namestarts)) + "%"}`);
  if (q.namecontains) where.push(sql`${refTowns.searchName} like ${"%" + like(searchKey(q.namecontains)) + "%"}`);
  if (q.fullname) where.push(sql`lower(replace(${refTowns.fullName}, 'ё', 'е')) = ${searchKey(q.fullname)}`);
  const cond = and(...where);
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(refTowns)
    .innerJoin(refRegions, eq(refRegions.code, refTowns.regionCode))
    .where(cond);
  const items = await db
    .select({ town: refTowns, region: refRegions })
    .from(refTowns)
    .innerJoin(refRegions, eq(refRegions.code, refTowns.regionCode))
    .where(cond)
    .orderBy(sql`${refTowns.population} desc nulls last`, asc(refTowns.name))
    .offset(Math.max(0, q.limitFrom ?? 0))
    .limit(Math.min(Math.max(q.limitCount ?? 1000, 0), 5000));
  return { total: n, items };
}

export interface RegionListInput {
  code?: string;
  namecontains?: string;
  namestarts?: string;
  fullname?: string;
  country?: string;
}

export async function listRegions(db: Queryable, q: RegionListInput) {
  if (q.country !== undefined && !RUSSIA.has(searchKey(q.country))) return [];
  const where: (SQL | undefined)[] = [];
  if (q.code) where.push(eq(refRegions.code, q.code.trim().padStart(2, "0")));
  if (q.namestarts) where.push(sql`${refRegions.searchName} like ${like(searchKey(q.namestarts)) + "%"}`);
  if (q.namecontains) where.push(sql`${refRegions.searchName} like ${"%" + like(searchKey(q.namecontains)) + "%"}`);
  if (q.fullname) where.push(sql`lower(replace(${refRegions.fullName}, 'ё', 'е')) = ${searchKey(q.fullname)}`);
  return db
    .select()
    .from(refRegions)
    .where(and(...where))
    .orderBy(asc(refRegions.code));
}

export interface StreetListInput {
  town: string;
  namecontains?: string;
  namestarts?: string;
  name?: string;
  fullname?: string;
  limitFrom?: number;
  limitCount?: number;
}

const STREET_TYPES: Record<string, string> = {
  ул: "улица",
  пр: "проспект",
  "пр-т": "проспект",
  просп: "проспект",
  пер: "переулок",
  ш: "шоссе",
  "б-р": "бульвар",
  бул: "бульвар",
  наб: "набережная",
  пл: "площадь",
  проезд: "проезд",
  туп: "тупик",
  мкр: "микрорайон",
  аллея: "аллея",
};

/** «ул. Ленина, д. 5» → { shortname: "ул", name: "Ленина" }; the street is the address up to the first comma. */
export function parseStreet(address: string): { name: string; shortName: string; typeName: string } | null {
  const head = address.split(",")[0]!.trim();
  if (!head || /^\d/.test(head)) return null;
  const m = /^(ул|пр-т|просп|пр|пер|ш|б-р|бул|наб|пл|проезд|туп|мкр|аллея)\.?\s+(.+)$/iu.exec(head);
  const tail = /^(.+?)\s+(ул|пр-т|просп|пр|пер|ш|б-р|бул|наб|пл|проезд|туп|мкр|аллея)\.?$/iu.exec(head);
  if (m)
    return { name: m[2]!.trim(), shortName: m[1]!.toLowerCase(), typeName: STREET_TYPES[m[1]!.toLowerCase()] ?? "" };
  if (tail)
    return {
      name: tail[1]!.trim(),
      shortName: tail[2]!.toLowerCase(),
      typeName: STREET_TYPES[tail[2]!.toLowerCase()] ?? "",
    };
  return { name: head, shortName: "", typeName: "" };
}

// Streets come from the company's own recent orders (no street register is shipped); bounded so the cost does not
// grow with the order table.
const STREET_SCAN = 50_000;

export async function listStreets(db: Queryable, companyId: number, town: Town, q: StreetListInput) {
  const recent = db
    .select({ address: orders.receiverAddress, town: orders.receiverTown })
    .from(orders)
    .where(eq(orders.companyId, companyId))
    .orderBy(desc(orders.id))
    .limit(STREET_SCAN)
    .as("recent");
  const rows = await db
    .selectDistinct({ street: sql<string>`trim(split_part(${recent.address}, ',', 1))` })
    .from(recent)
    .where(sql`lower(replace(${recent.town}, 'ё', 'е')) = ${town.searchName} and ${recent.address} is not null`);
  const byKey = new Map<string, { name: string; shortName: string; typeName: string }>();
  for (const r of rows) {
    const s = parseStreet(r.street);
    if (s) byKey.set(`${s.shortName}|${searchKey(s.name)}`, s);
  }
  let items = [...byKey.values()];
  const k = (s: string) => searchKey(s);
  if (q.name) items = items.filter((s) => k(s.name) === k(q.name!));
  if (q.fullname)
    items = items.filter(
      (s) =>
        k(`${s.shortName} ${s.name}`) === k(q.fullname!.replace(".", "")) ||
        k(`${s.shortName}. ${s.name}`) === k(q.fullname!),
    );
  if (q.namestarts) items = items.filter((s) => k(s.name).startsWith(k(q.namestarts!)));
  if (q.namecontains) items = items.filter((s) => k(s.name).includes(k(q.namecontains!)));
  items.sort((a, b) => a.name.localeCompare(b.name, "ru"));
  const from = Math.max(0, q.limitFrom ?? 0);
  return { total: items.length, items: items.slice(from, from + Math.min(Math.max(q.limitCount ?? 1000, 0), 5000)) };
}
