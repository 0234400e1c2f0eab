import { and, eq } from "drizzle-orm";
import { clients, companies } from "@/db/schema";
import type { ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { integrationValuesSchema } from "./schemas";

export interface IntegrationClient {
  id: number;
  name: string;
  login: string | null;
  hasPassword: boolean;
}

export interface IntegrationValues {
  /** The courier company's code («код службы», `extra` of the XML API's <auth>). */
  extra: number;
  companyName: string;
  /** The account whose credentials a CMS module takes; null while staff have not picked a client. */
  client: IntegrationClient | null;
  /** Whether the viewer is the client itself (its own values) or staff handing them out. */
  viewer: "client" | "staff";
}

/**
 * What a shop's CMS module needs: our code and the client's login. A client account gets its own only (naming any
 * other id is NotFound); staff get any client of their company. The password itself is never readable — only reset.
 */
export async function getIntegrationValues({ ctx, input }: ServiceCall<unknown>): Promise<IntegrationValues> {
  const { clientId } = integrationValuesSchema.parse(input ?? {});
  const companyId = ctx.actor.companyId;
  let wanted: number | undefined = clientId;
  if (ctx.actor.type === "client") {
    if (clientId !== undefined && clientId !== ctx.actor.clientId) throw new NotFoundError("Клиент");
    wanted = ctx.actor.clientId;
  }
  const [company] = await ctx.db
    .select({ extra: companies.extraCode, name: companies.name })
    .from(companies)
    .where(eq(companies.id, companyId));
  if (!company) throw new NotFoundError("Компания");
  let client: IntegrationClient | null = null;
  if (wanted !== undefined) {
    const [row] = await ctx.db
      .select({ id: clients.id, name: clients.name, login: clients.login, passwordHash: clients.passwordHash })
      .from(clients)
      .where(and(eq(clients.companyId, companyId), eq(clients.id, wanted)));
    if (!row) throw new NotFoundError("Клиент");
    client = { id: row.id, name: row.name, login: row.login, hasPassword: !!row.passwordHash };
  }
  return {
    extra: company.extra,
    companyName: company.name,
    client,
    viewer: ctx.actor.type === "client" ? "client" : "staff",
  };
}
