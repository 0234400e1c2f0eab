import { and, eq } from "drizzle-orm";
import { clients, integrations, shopAppInstalls } from "@/db/schema";
import { assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { linkDemoShopSchema } from "./demo-schemas";
import { attachShop } from "./link";

/** The shop `npm run stand-in:insales` makes at start (server/stand-ins/insales/main.ts). */
export const DEMO_SHOP_HOST = "demo-shop.myinsales.ru";

/** The demo's rules: orders «Согласован» in the shop come in; our main milestones go back as the shop's statuses. */
const DEMO_RULES = {
  triggerStatus: "approved",
  prefix: "IS-",
  statusMap: { DELIVERY: "dispatched", COMPLETE: "delivered", CANCELED: "declined", RETURNED: "returned" },
};

/** The InSales stand-in beside the demo (`npm start` sets it); a real deployment has none. */
export function insalesStandInUrl(): string | null {
  return process.env.INSALES_STAND_IN_URL?.replace(/\/+$/, "") || null;
}

function requireStandIn(): string {
  const base = insalesStandInUrl();
  if (!base)
    throw new ConflictError("Заглушка InSales не запущена: демо-магазин доступен только в демо-режиме (npm start)");
  return base;
}

/** A stand-in's control call (`/_control/…`): what the demo's buttons do, as a tester would with curl. */
export async function callStandIn(
  name: string,
  base: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new ConflictError(`Заглушка ${name} не отвечает по адресу ${base}`);
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ConflictError(`Заглушка ${name} отказала: ${String(json.error ?? res.status)}`);
  return json;
}

const standInCall = (path: string, body: unknown) => callStandIn("InSales", requireStandIn(), path, body);

/**
 * Demo mode's one click: the stand-in installs the app into its «Демо-магазин» (calling our install URL as InSales
 * would) and the shop is linked to the chosen client with the demo's rules — what the shop owner does on the link page.
 */
export async function linkDemoShop({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { clientId } = linkDemoShopSchema.parse(input);
  const [client] = await ctx.db
    .select({ id: clients.id, name: clients.name })
    .from(clients)
    .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, clientId)));
  if (!client) throw new NotFoundError("Клиент");
  const installed = await standInCall("/_control/install", { shop: DEMO_SHOP_HOST, repeat: true });
  if (installed.installed !== true) {
    throw new ConflictError(`Установка приложения не прошла: наш адрес установки ответил ${String(installed.status)}`);
  }
  const shopId = new URL(String(installed.url)).searchParams.get("insales_id") ?? "";
  const [install] = await ctx.db
    .select({ id: shopAppInstalls.id })
    .from(shopAppInstalls)
    .where(and(eq(shopAppInstalls.app, "insales"), eq(shopAppInstalls.shopId, shopId)));
  if (!install)
    throw new ConflictError("Установка приложения не записалась: проверьте PUBLIC_URL и INSALES_APP_SECRET");
  const linked = await ctx.db.transaction((tx) =>
    attachShop(tx, install.id, { companyId: ctx.actor.companyId, clientId }, DEMO_RULES),
  );
  return { integrationId: linked.integrationId, shop: DEMO_SHOP_HOST, clientName: client.name };
}

/** «Создать заказ в демо-магазине»: an order at the linked app's trigger status, as the shop's manager would make. */
export async function createDemoShopOrder({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  requireStandIn();
  const rules = await demoRules(ctx);
  const order = await standInCall("/_control/orders", { shop: DEMO_SHOP_HOST, custom_status: rules.trigger });
  return { shopNumber: Number(order.number), ourNumber: `${rules.prefix}${String(order.number)}` };
}

async function demoRules(ctx: ServiceContext) {
  const [row] = await ctx.db
    .select({ settings: integrations.settings })
    .from(shopAppInstalls)
    .innerJoin(integrations, eq(integrations.id, shopAppInstalls.integrationId))
    .where(
      and(
        eq(shopAppInstalls.app, "insales"),
        eq(shopAppInstalls.shop, DEMO_SHOP_HOST),
        eq(integrations.companyId, ctx.actor.companyId),
      ),
    );
  if (!row) throw new ConflictError("Демо-магазин ещё не подключён: сначала «Подключить демо-магазин»");
  const prefix = typeof row.settings.prefix === "string" ? row.settings.prefix : "";
  return { trigger: String(row.settings.triggerStatus), prefix };
}
