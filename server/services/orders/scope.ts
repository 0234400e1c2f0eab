import { and, eq, type SQL } from "drizzle-orm";
import { orders } from "@/db/schema";
import type { ServiceContext } from "../context";

/** Every order query goes through this: the company, and for a client account only its own orders. */
export function orderScope(ctx: ServiceContext): SQL {
  const company = eq(orders.companyId, ctx.actor.companyId);
  return ctx.actor.type === "client" ? and(company, eq(orders.clientId, ctx.actor.clientId))! : company;
}
