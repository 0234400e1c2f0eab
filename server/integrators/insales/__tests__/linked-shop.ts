import { expect } from "vitest";
import type { Database } from "@/db/client";
import { startInSalesStandIn } from "@/server/stand-ins/insales/server";
import { linkInstalledShop, type startAppStub } from "./link-shop-core";

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
