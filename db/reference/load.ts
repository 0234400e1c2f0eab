import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { referenceDatasets, refRegions, refTowns } from "../schema";
import { parseCsv } from "./csv";

const CITIES_CSV = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "data", "russian-cities", "city.csv");

/** Lower case, «ё» as «е», single spaces: how towns and regions are matched. */
export function searchKey(s: string): string {
  return s.trim().toLowerCase().replaceAll("ё", "е").replace(/\s+/g, " ");
}

export interface CityRow {
  code: number;
  name: string;
  typeShort: string;
  fullName: string;
  regionCode: string;
  regionName: string;
  regionType: string;
  federalDistrict: string;
  area: string | null;
  zip: string | null;
  kladrCode: string | null;
  fiasCode: string | null;
  population: number | null;
  timezone: string | null;
  lat: string | null;
  lon: string | null;
  capitalMarker: number;
}

export function readCities(file = CITIES_CSV): { rows: CityRow[]; sha256: string } {
  const raw = readFileSync(file);
  const [header, ...lines] = parseCsv(raw.toString("utf8").replace(/^\uFEFF/, ""));
  const col = (name: string) => {
    const i = header!.indexOf(name);
    if (i < 0) throw new Error(`city.csv: column ${name} missing`);
    return i;
  };
  const c = {
    address: col("address"),
    zip: col("postal_code"),
    fd: col("federal_district"),
    regionType: col("region_type"),
    region: col("region"),
    area: col("area"),
    cityType: col("city_type"),
    city: col("city"),
    kladr: col("kladr_id"),
    fias: col("fias_id"),
    capital: col("capital_marker"),
    tz: col("timezone"),
    lat: col("geo_lat"),
    lon: col("geo_lon"),
    population: col("population"),
  };
  const rows = lines
    .filter((l) => l.length > 1)
    .map((l, i): CityRow => {
      const v = (k: number) => (l[k] ?? "").trim();
      const orNull = (k: number) => v(k) || null;
      // Federal cities (Москва, Санкт-Петербург, Севастополь) are regions with an empty city column.
      const name = v(c.city) || v(c.region);
      const kladr = v(c.kladr);
      return {
        code: i + 1,
        name,
        typeShort: v(c.cityType) || v(c.regionType),
        fullName: v(c.address),
        regionCode: kladr.slice(0, 2),
        regionName: v(c.region),
        regionType: v(c.regionType),
        federalDistrict: v(c.fd),
        area: orNull(c.area),
        zip: orNull(c.zip),
        kladrCode: kladr || null,
        fiasCode: orNull(c.fias),
        population: v(c.population) ? Number(v(c.population)) : null,
        timezone: orNull(c.tz),
        lat: orNull(c.lat),
        lon: orNull(c.lon),
        capitalMarker: Number(v(c.capital) || 0),
      };
    });
  return { rows, sha256: createHash("sha256").update(raw).digest("hex") };
}

function regionFullName(type: string, name: string): string {
  // «Респ Адыгея», «г Москва» lead with the type; «Алтайский край», «Московская обл» end with it.
  return ["Респ", "г"].includes(type) ? `${type} ${name}` : `${name} ${type}`;
}

/** Loads the shipped towns and regions when the file differs from what the database holds (idempotent). */
export async function ensureReferenceData(db: Database): Promise<boolean> {
  const { rows, sha256 } = readCities();
  const [loaded] = await db.select().from(referenceDatasets).where(eq(referenceDatasets.name, "russian-cities"));
  if (loaded?.sha256 === sha256) return false;
  const regions = new Map<string, typeof refRegions.$inferInsert>();
  for (const r of rows) {
    if (!regions.has(r.regionCode)) {
      const fullName = regionFullName(r.regionType, r.regionName);
      regions.set(r.regionCode, {
        code: r.regionCode,
        name: r.regionName,
        typeShort: r.regionType,
        fullName,
        federalDistrict: r.federalDistrict,
        searchName: searchKey(r.regionName),
      });
    }
  }
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from ref_towns`);
    await tx.execute(sql`delete from ref_regions`);
    await tx.insert(refRegions).values([...regions.values()]);
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insert(refTowns).values(
        rows.slice(i, i + 500).map((r) => ({
          code: r.code,
          name: r.name,
          typeShort: r.typeShort,
          fullName: r.fullName,
          regionCode: r.regionCode,
          area: r.area,
          zip: r.zip,
          kladrCode: r.kladrCode,
          fiasCode: r.fiasCode,
          population: r.population,
          timezone: r.timezone,
          lat: r.lat,
          lon: r.lon,
          capitalMarker: r.capitalMarker,
          searchName: searchKey(r.name),
        })),
      );
    }
    await tx
      .insert(referenceDatasets)
      .values({ name: "russian-cities", sha256, rows: rows.length })
      .onConflictDoUpdate({ target: referenceDatasets.name, set: { sha256, rows: rows.length, loadedAt: new Date() } });
  });
  return true;
}
