import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations } from "@/db/schema";
import { shopBaseUrl } from "@/server/integrators/insales/client";
import { NotFoundError, UnauthorizedError, ValidationError } from "../errors";
import { selfApiUrl } from "../exchange/addresses";
import { findInstall, findInstallById, insalesAppConfig, installPassword } from "./installs";
import { autologinParamsSchema, ticketSchema } from "./schemas";
import { autologinSignatureOk } from "./signature";
import { consumeTicket, issueTicket, randomToken } from "./tickets";

/**
 * «Войти в приложение» from the shop's back office: a fresh nonce kept here (single use, 5 minutes), then off to the
 * shop to sign it. The shop's host is the installed one, never the query's, so this is no open redirect; the nonce's
 * ticket rides in our return address, as InSales gives back only the signature.
 */
export async function startInsalesLogin(db: Queryable, input: { insales_id?: string | null }) {
  const { appId } = insalesAppConfig();
  const shopId = String(input.insales_id ?? "").trim();
  if (!/^\d{1,20}$/.test(shopId)) throw new ValidationError("Нет параметра insales_id");
  const install = await findInstall(db, shopId);
  if (!install) throw new NotFoundError("Магазин с установленным приложением");
  const nonce = randomToken();
  const ticket = await issueTicket(db, "nonce", install.id, { nonce });
  const back = new URL(`apps/insales/autologin/${ticket}`, selfApiUrl()).toString();
  const url = new URL(`${shopBaseUrl(install.shop)}/admin/applications/${encodeURIComponent(appId)}/login`);
  url.searchParams.set("token", nonce);
  url.searchParams.set("login", back);
  return url.toString();
}

/**
 * The shop's answer: the nonce is used up whatever the outcome, the signature checked against the shop's password.
 * A linked shop gets a one-time sign-in as its client account; one not yet linked, the link page.
 */
export async function finishInsalesAutologin(db: Queryable, ticket: string, query: Record<string, string>) {
  if (!ticketSchema.safeParse(ticket).success) throw new UnauthorizedError("Ссылка входа повреждена");
  const params = autologinParamsSchema.safeParse(query);
  if (!params.success) throw new UnauthorizedError("Неверные параметры входа из InSales");
  const used = await consumeTicket(db, "nonce", ticket);
  if (!used?.nonce)
    throw new UnauthorizedError("Ссылка входа устарела или уже использована: войдите из InSales ещё раз");
  const install = await findInstallById(db, used.installId);
  if (!install) throw new UnauthorizedError("Приложение в этом магазине уже удалено");
  if (!autologinSignatureOk(params.data, used.nonce, installPassword(install)))
    throw new UnauthorizedError("InSales не подтвердил вход: подпись не сходится");

  if (install.integrationId !== null) {
    const [integration] = await db
      .select({ clientId: integrations.clientId, enabled: integrations.enabled })
      .from(integrations)
      .where(eq(integrations.id, install.integrationId));
    if (integration?.clientId && integration.enabled) {
      const token = await issueTicket(db, "sign-in", install.id, { clientId: integration.clientId });
      return { kind: "sign-in" as const, path: `/shop-apps/insales/enter?ticket=${token}` };
    }
  }
  const token = await issueTicket(db, "link", install.id);
  return { kind: "link" as const, path: `/shop-apps/insales/link?ticket=${token}` };
}
