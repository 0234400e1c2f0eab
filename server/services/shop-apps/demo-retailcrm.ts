import { and, eq } from "drizzle-orm";
import { integrations, shopAppInstalls } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError } from "../errors";
import { callStandIn } from "./demo";

/** The RetailCRM stand-in beside the demo (`npm start` sets it); a real deployment has none. */
export function retailCrmStandInUrl(): string | null {
  return process.env.RETAILCRM_STAND_IN_URL?.replace(/\/+$/, "") || null;
}

function requireStandIn(): string {
  const base = retailCrmStandInUrl();
  if (!base)
    throw new ConflictError("Заглушка RetailCRM не запущена: демо-CRM доступна только в демо-режиме (npm start)");
  return base;
}

/**
 * Demo mode: where the demo CRM's «Подключить» leads (our connect page with `?account=`, as its Marketplace opens it)
 * and the API key to paste there, and whether the demo CRM is connected to this company already.
 */
export async function retailCrmDemoInfo({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const base = requireStandIn();
  const connect = await callStandIn("RetailCRM", base, "/_control/connect-url?account=demo");
  const account = String(connect.account ?? "");
  const [linked] = await ctx.db
    .select({ id: integrations.id })
    .from(shopAppInstalls)
    .innerJoin(integrations, eq(integrations.id, shopAppInstalls.integrationId))
    .where(
      and(
        eq(shopAppInstalls.app, "retailcrm"),
        eq(shopAppInstalls.shop, account),
        eq(integrations.companyId, ctx.actor.companyId),
      ),
    );
  return { connectUrl: String(connect.url ?? ""), account, apiKey: String(connect.apiKey ?? ""), connected: !!linked };
}

/**
 * «Сохранить заказ в демо-RetailCRM»: the stand-in's CRM saves an order of delivery type «Курьерская служба», as a
 * manager would, which calls our `save`; our answer is returned as the CRM got it.
 */
export async function createRetailCrmDemoOrder({ ctx }: ServiceCall<unknown>) {
  const info = await retailCrmDemoInfo({ ctx, input: undefined });
  if (!info.connected) throw new ConflictError("Демо-RetailCRM не подключена к вашей компании: сначала подключите её");
  const call = await callStandIn("RetailCRM", requireStandIn(), "/_control/callbacks/save", {
    account: "demo",
    address: { city: "Москва", street: "Тверская", building: "7", flat: "5", index: "125009" },
    packages: [
      { weight: 1000, length: 300, width: 200, height: 100, items: [0] },
      { weight: 300, length: 200, width: 150, height: 100, items: [0] },
    ],
  });
  const answer = (call.json ?? {}) as { success?: boolean; result?: { deliveryId?: string }; errorMsg?: string };
  if (!answer.success)
    throw new ConflictError(`Наш модуль отказал: ${answer.errorMsg ?? `HTTP ${String(call.status)}`}`);
  const order = (call.order ?? {}) as { number?: string };
  return { crmNumber: order.number ?? "", deliveryId: answer.result?.deliveryId ?? "" };
}
