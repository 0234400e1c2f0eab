import { index, integer, numeric, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";

// Address reference data loaded from db/data/russian-cities/city.csv (hflabs/city, CC BY-SA 4.0) by
// db/reference/load.ts at migration time; never edited by hand.

export const refRegions = pgTable("ref_regions", {
  /** Two-digit region code (first digits of KLADR), as MeaSoft's `regioncode`: 77 Москва, 50 Московская обл. */
  code: text().primaryKey(),
  name: text().notNull(),
  typeShort: text().notNull(),
  fullName: text().notNull(),
  federalDistrict: text(),
  searchName: text().notNull(),
});

export const refTowns = pgTable(
  "ref_towns",
  {
    /** Row number in the shipped CSV: deterministic for a given data file. */
    code: integer().primaryKey(),
    name: text().notNull(),
    typeShort: text().notNull(),
    fullName: text().notNull(),
    regionCode: text()
      .notNull()
      .references(() => refRegions.code),
    area: text(),
    zip: text(),
    kladrCode: text(),
    fiasCode: text(),
    population: integer(),
    timezone: text(),
    lat: numeric({ precision: 10, scale: 7 }),
    lon: numeric({ precision: 10, scale: 7 }),
    /** 1 regional centre, 2 region capital as in the source's capital_marker. */
    capitalMarker: smallint().notNull().default(0),
    /** Lower-cased, «ё» → «е»: what lookups compare against. */
    searchName: text().notNull(),
  },
  (t) => [
    index("ref_towns_search_idx").on(t.searchName),
    index("ref_towns_zip_idx").on(t.zip),
    index("ref_towns_region_idx").on(t.regionCode),
  ],
);

/** Which version (sha256) of each reference file is loaded, so the loader runs once per file change. */
export const referenceDatasets = pgTable("reference_datasets", {
  name: text().primaryKey(),
  sha256: text().notNull(),
  rows: integer().notNull(),
  loadedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
