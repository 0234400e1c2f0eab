import { and, asc, eq, ilike, or } from "drizzle-orm";
import { clients } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { listClientsSchema } from "./schemas";
import { publicColumns } from "./shared";

export async function listClients({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = listClientsSchema.parse(input ?? {});
  const s = q.search ? `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return ctx.db
    .select(publicColumns)
    .from(clients)
    .where(
      and(
        eq(clients.companyId, ctx.actor.companyId),
        s ? or(ilike(clients.name, s), ilike(clients.inn, s)) : undefined,
      ),
    )
    .orderBy(asc(clients.name))
    .limit(1000);
}
