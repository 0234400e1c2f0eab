import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { getIntegrationValues, type IntegrationValues } from "@/server/services/client-integration/values";
import { xmlApiUrl } from "@/server/services/client-integration/schemas";
import { NotFoundError } from "@/server/services/errors";

export interface IntegrationPageData extends IntegrationValues {
  apiUrl: string;
}

/**
 * The values every page of the section shows: the service decides whose (a client its own; staff the client named by
 * `?client=`, of their own company only — anything else is this page's 404).
 */
export async function loadIntegration(rawClient: string | string[] | undefined): Promise<IntegrationPageData> {
  const session = await getSession();
  if (!session) redirect("/login");
  const raw = Array.isArray(rawClient) ? rawClient[0] : rawClient;
  const clientId = raw === undefined || raw === "" ? undefined : Number(raw);
  if (clientId !== undefined && (!Number.isInteger(clientId) || clientId <= 0 || clientId > 2_147_483_647)) notFound();
  let values: IntegrationValues;
  try {
    values = await getIntegrationValues({ ctx: { db: getDb(), actor: session.actor }, input: { clientId } });
  } catch (e) {
    if (e instanceof NotFoundError) notFound();
    throw e;
  }
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto =
    h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return { ...values, apiUrl: xmlApiUrl(process.env.PUBLIC_URL, `${proto}://${host}`) };
}

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;
