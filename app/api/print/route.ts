import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { ServiceError } from "@/server/services/errors";
import { PartnerPrintError, printPartnerForms } from "@/server/services/exchange/print";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";
import {
  backLink,
  type BackLink,
  contentDisposition,
  errorPage,
  FILE_CSP,
  signInFirst,
  statusOf,
  STRICT_CSP,
} from "../file-response";

// Partner print forms (waybill, package labels) of an order or a manifest, fetched from the partner for staff:
// GET /api/print?form=waybill|label&orderId=… or &manifestId=…[&part=N]. Opened in a new tab from the cabinet.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const fail = (message: string, status: number, back: BackLink) =>
  errorPage("Печать форм партнёра", "Формы партнёра не получены", message, status, back);

/** Query values as the service's schema reads them: ids and the part as numbers, absent ones left out. */
function requestOf(params: URLSearchParams) {
  const num = (name: string) => {
    const v = params.get(name);
    return v === null || v.trim() === "" ? undefined : Number(v);
  };
  return {
    form: params.get("form") ?? undefined,
    orderId: num("orderId"),
    manifestId: num("manifestId"),
    part: num("part"),
  };
}

export async function GET(req: Request) {
  const url = new URL(req.url);
  const session = await getSession();
  if (!session) {
    // The tab opened from a card whose session has since ended: sign in and come back to the file.
    return signInFirst(`${url.pathname}${url.search}`);
  }
  const input = requestOf(url.searchParams);
  const back = backLink(input, { href: "/orders", text: "Вернуться в кабинет" });
  try {
    const file = await printPartnerForms({ ctx: { db: getDb(), actor: session.actor }, input });
    const pdf = file.contentType.split(";")[0]!.trim().toLowerCase() === "application/pdf";
    return new Response(file.body as Uint8Array<ArrayBuffer>, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": contentDisposition(file.fileName.ascii, file.fileName.title),
        "cache-control": "no-store",
        "content-security-policy": pdf ? FILE_CSP : STRICT_CSP,
        "x-frame-options": "DENY",
        // For scripts and tests: which part this is, and how many orders the manifest's forms leave out.
        "x-print-part": `${file.part}/${file.parts}`,
        "x-print-skipped": String(file.skipped.length),
      },
    });
  } catch (e) {
    if (e instanceof ZodError) return fail(e.issues[0]?.message ?? "Некорректный запрос", 400, back);
    if (e instanceof PartnerPrintError) return fail(e.message, 502, back);
    if (e instanceof ServiceError) return fail(e.message, statusOf(e), back);
    console.error(e);
    return fail(INTERNAL_MESSAGE, 500, back);
  }
}
