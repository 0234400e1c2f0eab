"use server";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { ServiceError, type FieldErrors } from "@/server/services/errors";
import { clientIp } from "@/server/services/security/client-ip";
import { linkInsalesShop } from "@/server/services/shop-apps";

export type LinkResult =
  { ok: true; enterPath: string; clientName: string } | { ok: false; message: string; fieldErrors?: FieldErrors };

/** The link form's «Сохранить»: the service checks the ticket, the client account (throttled) and the settings. */
export async function linkShopAction(input: unknown): Promise<LinkResult> {
  try {
    const r = await linkInsalesShop(getDb(), input, clientIp(await headers()));
    return { ok: true, enterPath: r.enterPath, clientName: r.clientName };
  } catch (e) {
    if (e instanceof ServiceError) return { ok: false, message: e.message, fieldErrors: e.fieldErrors };
    console.error("[insales app] link failed", e);
    return { ok: false, message: "Сервис временно недоступен, попробуйте позже" };
  }
}
