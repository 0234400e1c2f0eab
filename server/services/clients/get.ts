import { and, count, eq } from "drizzle-orm";
import { clients, orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { publicColumns } from "./shared";

export async function getClient({ ctx, input }: ServiceCall<{ id: number }>) {
  assertStaff(ctx);
  const [row] = await ctx.db
    .select({ ...publicColumns, hasPassword: clients.passwordHash })
    .from(clients)
    .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, input.id)));
  if (!row) throw new NotFoundError("Клиент");
  const [{ n } = { n: 0 }] = await ctx.db
    .select({ n: count() })
    .from(orders)
    .where(and(eq(orders.companyId, ctx.actor.companyId), eq(orders.clientId, input.id)));
  return { ...row, hasPassword: row.hasPassword !== null, orderCount: n };
}
