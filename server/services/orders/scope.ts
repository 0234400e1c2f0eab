import { and, eq, inArray, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { branches, orders } from "@/db/schema";
import type { ServiceContext } from "../context";

/** Every order query goes through this: the company, and for a client account only its own orders. */
export function orderScope(ctx: ServiceContext): SQL {
  const company = eq(orders.companyId, ctx.actor.companyId);
  return ctx.actor.type === "client" ? and(company, eq(orders.clientId, ctx.actor.clientId))! : company;
}

/**
 * Orders handed to a partner: those whose responsible branch is linked to the partner's client account at this
 * company (`branches.agent_client_id`). What `statusreq client=AGENT` lists and `setorderinfo` may update.
 */
export function agentScope(db: Queryable, companyId: number, agentClientId: number): SQL {
  const linked = db
    .select({ id: branches.id })
    .from(branches)
    .where(and(eq(branches.companyId, companyId), eq(branches.agentClientId, agentClientId)));
  return and(eq(orders.companyId, companyId), inArray(orders.responsibleBranchId, linked))!;
}
