import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, companies, integrations, shopAppInstalls } from "@/db/schema";
import type { SignedInUser } from "../auth/authenticate";
import { UnauthorizedError } from "../errors";
import { ticketSchema } from "./schemas";
import { consumeTicket } from "./tickets";

/**
 * The cabinet's sign-in by a ticket from the shop's autologin: used up at once, valid 5 minutes, and only as the
 * client it was issued for while that client's integration is still this shop's and switched on.
 */
export async function signInByShopTicket(db: Queryable, ticket: unknown): Promise<SignedInUser> {
  const parsed = ticketSchema.safeParse(ticket);
  if (!parsed.success) throw new UnauthorizedError("Ссылка входа повреждена");
  const used = await consumeTicket(db, "sign-in", parsed.data);
  if (!used?.clientId)
    throw new UnauthorizedError("Ссылка входа устарела или уже использована: войдите из InSales ещё раз");
  const [row] = await db
    .select({ client: clients, company: companies })
    .from(shopAppInstalls)
    .innerJoin(integrations, eq(integrations.id, shopAppInstalls.integrationId))
    .innerJoin(clients, and(eq(clients.id, integrations.clientId), eq(clients.companyId, integrations.companyId)))
    .innerJoin(companies, eq(companies.id, clients.companyId))
    .where(and(eq(shopAppInstalls.id, used.installId), eq(integrations.enabled, true), eq(clients.id, used.clientId)));
  if (!row) throw new UnauthorizedError("Магазин больше не подключён к этому клиенту");
  return {
    actor: { type: "client", companyId: row.company.id, clientId: row.client.id },
    name: row.client.name,
    companyName: row.company.name,
    extra: row.company.extraCode,
    sessionVersion: row.client.sessionVersion,
  };
}
