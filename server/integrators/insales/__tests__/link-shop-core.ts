import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@/db/client";
import { integrations } from "@/db/schema";
import { createTenant } from "@/db/test/factories";
import { ownerSecretsContext, sealSecrets } from "@/server/services/security/secret-box";

// The vitest-free part of the linked-shop fixture: benchmarks link stand-in shops the same way the tests do.

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
 * A shop with our app installed (its host, id, API base and the password the install gave) linked to a fresh
 * tenant's client (trigger «approved», prefix IS-): the client-owned integration the import and the status push use.
 */
export async function linkInstalledShop(
  db: Database,
  shop: { host: string; insalesId: number; apiBase: string },
  password: string,
  options: { statusMap?: Record<string, string> } = {},
) {
  const t = await createTenant(db);
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
      secrets: sealSecrets({ password }, ownerSecretsContext({ ...owner, integrator: "insales" })),
    })
    .returning();
  return { t, id: integration!.id };
}
