import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createDatabase, type Database } from "@/db/client";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { startInSalesStandIn, type InSalesStandIn } from "@/server/stand-ins/insales/server";
import { linkInstalledShop, startAppStub } from "./link-shop-core";

export { startAppStub, TRIGGER } from "./link-shop-core";

/**
 * A stand-in InSales shop with our app installed and linked to a fresh tenant's client (trigger «approved», prefix
 * IS-): the client-owned integration the import and the status push work from.
 */
export async function linkStandInShop(
  db: Database,
  appUrls: Awaited<ReturnType<typeof startAppStub>>["appUrls"],
  options: { tuning?: Parameters<typeof startInSalesStandIn>[0]; statusMap?: Record<string, string> } = {},
) {
  const standIn = await startInSalesStandIn({ appUrls, ...options.tuning });
  process.env.INSALES_APP_ID = standIn.appId;
  const shop = standIn.createShop();
  const installed = await standIn.install(shop.insalesId);
  expect(installed.installed).toBe(true);
  const { t, id } = await linkInstalledShop(db, shop, installed.password!, { statusMap: options.statusMap });
  return { standIn, t, shop, id };
}

/**
 * A test file's InSales set-up: its own database and app stub for the file, `link()` for a fresh linked shop per test,
 * whose stand-in is closed after the test.
 */
export function linkedShopSuite(options: { maxConnections: number }) {
  let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
  let conn: ReturnType<typeof createDatabase>;
  let app: Awaited<ReturnType<typeof startAppStub>>;
  const suite = {
    db: undefined as unknown as Database,
    standIn: undefined as unknown as InSalesStandIn,
    async link(linkOptions: Parameters<typeof linkStandInShop>[2] = {}) {
      const linked = await linkStandInShop(conn.db, app.appUrls, linkOptions);
      suite.standIn = linked.standIn;
      return linked;
    },
  };
  beforeAll(async () => {
    iso = await createIsolatedDatabase();
    conn = createDatabase(iso.url, { max: options.maxConnections });
    suite.db = conn.db;
    process.env.DATABASE_URL = iso.url;
    app = await startAppStub();
  });
  afterEach(async () => {
    await suite.standIn?.close();
  });
  afterAll(async () => {
    await app?.close();
    await conn?.sql.end();
    await iso?.drop();
  });
  return suite;
}
