import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { Database } from "@/db/client";
import { integrations } from "@/db/schema";
import { createTenant } from "@/db/test/factories";
import { ownerSecretsContext, sealSecrets } from "@/server/services/integrations/secret-box";
import { startInSalesStandIn } from "@/server/stand-ins/insales/server";

/** The status at which the test shops hand an order over. */
export const TRIGGER = "approved";

/** Our app's install/uninstall/login URLs as far as the stand-in is concerned: it only needs a 200 back. */
export async function startAppStub() {
  const server = createServer((_req, res) => res.writeHead(200).end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    appUrls: { install: `${url}/install`, uninstall: `${url}/uninstall`, login: `${url}/login` },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

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
  const t = await createTenant(db);
  const shop = standIn.createShop();
  const installed = await standIn.install(shop.insalesId);
  expect(installed.installed).toBe(true);
  const owner = { companyId: t.company.id, ownerKind: "client" as const, clientId: t.client.id, branchId: null };
  const [integration] = await db
    .insert(integrations)
    .values({
      ...owner,
      integrator: "insales",
      settings: {
        shop: shop.host,
        insalesId: String(shop.insalesId),
        triggerStatus: TRIGGER,
        prefix: "IS-",
        apiBase: shop.apiBase,
        statusMap: options.statusMap ?? {},
      },
      secrets: sealSecrets({ password: installed.password! }, ownerSecretsContext({ ...owner, integrator: "insales" })),
    })
    .returning();
  return { standIn, t, shop, id: integration!.id };
}
