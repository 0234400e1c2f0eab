"use server";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { ServiceError, type FieldErrors } from "@/server/services/errors";
import { clientIp } from "@/server/services/security/client-ip";
import { AppNotConfiguredError } from "@/server/services/shop-apps";
import { connectRetailCrm, linkRetailCrm } from "@/server/services/shop-apps/retailcrm";

export type FormResult<T> = ({ ok: true } & T) | { ok: false; message: string; fieldErrors?: FieldErrors };

async function run<T>(work: () => Promise<T>): Promise<FormResult<T>> {
  try {
    return { ok: true, ...(await work()) };
  } catch (e) {
    if (e instanceof ServiceError) return { ok: false, message: e.message, fieldErrors: e.fieldErrors };
    if (e instanceof AppNotConfiguredError) return { ok: false, message: e.message };
    console.error("[retailcrm] form failed", e);
    return { ok: false, message: "Сервис временно недоступен, попробуйте позже" };
  }
}

/** The connect page's «Подключить»: our client account, the CRM key, the module registered in the CRM. */
export async function connectAction(input: unknown) {
  const ip = clientIp(await headers());
  return run(async () => {
    const r = await connectRetailCrm(getDb(), input, ip);
    return { redirectUrl: r.redirectUrl, clientName: r.clientName };
  });
}

/** The link page's «Сохранить» (a CRM connected by the simple connection). */
export async function linkAction(input: unknown) {
  const ip = clientIp(await headers());
  return run(async () => {
    const r = await linkRetailCrm(getDb(), input, ip);
    return { enterPath: r.enterPath, clientName: r.clientName };
  });
}
