import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { integrations, orders } from "@/db/schema";
import { createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { pullShopOrders } from "@/server/services/exchange/inbound";
import { startInSalesStandIn, type InSalesStandIn } from "@/server/stand-ins/insales/server";
import { ConflictError, ForbiddenError } from "../../errors";
import { createDemoShopOrder, DEMO_SHOP_HOST, linkDemoShop } from "../demo";
import { installInsalesShop } from "../installs";

// Demo mode's one click: the stand-in installs the app into its «Демо-магазин» through our install callback, the shop
// is linked to the chosen client, and an order made there comes in.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let standIn: InSalesStandIn;
let ours: Server;
const ENV = ["INSALES_APP_ID", "INSALES_APP_SECRET", "INSALES_STAND_IN_URL", "INSALES_SHOP_API_BASE"];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 4 });
  process.env.DATABASE_URL = iso.url;
  // Our install URL as the web server serves it: the same service behind app/api/apps/insales/install.
  ours = createServer((req, res) => {
    const query = Object.fromEntries(new URL(req.url ?? "/", "http://x").searchParams);
    installInsalesShop(conn.db, query).then(
      () => res.writeHead(200).end("ok"),
      (e: Error) => res.writeHead(400).end(e.message),
    );
  });
  await new Promise<void>((r) => ours.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(ours.address() as AddressInfo).port}`;
  standIn = await startInSalesStandIn({ appUrls: { install: `${base}/install` } });
  standIn.createShop({ host: DEMO_SHOP_HOST, title: "Демо-магазин" });
  process.env.INSALES_APP_ID = standIn.appId;
  process.env.INSALES_APP_SECRET = standIn.appSecret;
  process.env.INSALES_STAND_IN_URL = standIn.url;
  process.env.INSALES_SHOP_API_BASE = `${standIn.url}/shops/{shop}`;
});

afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await standIn?.close();
  await new Promise((r) => ours?.close(r));
  await conn?.sql.end();
  await iso?.drop();
});

describe("demo shop", () => {
  it("links the stand-in's demo shop to a client in one call; an order made there comes in", async () => {
    const t = await createTenant(conn.db);
    await expect(linkDemoShop({ ctx: t.clientCtx, input: { clientId: t.client.id } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const linked = await linkDemoShop({ ctx: t.staffCtx, input: { clientId: t.client.id } });
    expect(linked).toMatchObject({ shop: DEMO_SHOP_HOST, clientName: t.client.name });
    const [row] = await conn.db.select().from(integrations).where(eq(integrations.id, linked.integrationId));
    expect(row).toMatchObject({ ownerKind: "client", clientId: t.client.id, enabled: true });
    expect(row!.settings).toMatchObject({ shop: DEMO_SHOP_HOST, triggerStatus: "approved", prefix: "IS-" });
    // Clicking again (the demo restarted) links the same shop again, not a second one.
    const again = await linkDemoShop({ ctx: t.staffCtx, input: { clientId: t.client.id } });
    expect(again.integrationId).toBe(linked.integrationId);

    const made = await createDemoShopOrder({ ctx: t.staffCtx, input: undefined });
    expect(standIn.order(DEMO_SHOP_HOST, standIn.orders(DEMO_SHOP_HOST).at(-1)!.id).custom_status?.permalink).toBe(
      "approved",
    );
    expect((await pullShopOrders(conn.db, linked.integrationId)).imported).toBe(1);
    const [order] = await conn.db.select().from(orders).where(eq(orders.clientId, t.client.id));
    expect(order!.number).toBe(made.ourNumber);
  });

  it("says plainly when the demo's stand-in is not running", async () => {
    const t = await createTenant(conn.db);
    const url = process.env.INSALES_STAND_IN_URL;
    delete process.env.INSALES_STAND_IN_URL;
    try {
      await expect(linkDemoShop({ ctx: t.staffCtx, input: { clientId: t.client.id } })).rejects.toThrow(ConflictError);
      await expect(createDemoShopOrder({ ctx: t.staffCtx, input: undefined })).rejects.toThrow(/демо-режиме/);
    } finally {
      process.env.INSALES_STAND_IN_URL = url;
    }
  });
});
