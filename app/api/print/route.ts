import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { ServiceError, type ServiceErrorCode } from "@/server/services/errors";
import { PartnerPrintError, printPartnerForms } from "@/server/services/exchange/print";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";

// Partner print forms (waybill, package labels) of an order or a manifest, fetched from the partner for staff:
// GET /api/print?form=waybill|label&orderId=… or &manifestId=…[&part=N]. Opened in a new tab from the cabinet.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const STATUS: Record<ServiceErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
};

// next.config.mjs leaves this route's CSP to it: the browser's PDF viewer is an embedded plugin with inline styles,
// which `default-src 'none'` blocks. Anything but a PDF keeps the strict policy (and is never run as a page).
const FILE_CSP = "frame-ancestors 'none'";
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";
const PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

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
    const back = encodeURIComponent(`${url.pathname}${url.search}`);
    return new Response(null, { status: 303, headers: { location: `/login?callbackUrl=${back}` } });
  }
  const input = requestOf(url.searchParams);
  const back = backLink(input);
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
    if (e instanceof ZodError) return errorPage(e.issues[0]?.message ?? "Некорректный запрос", 400, back);
    if (e instanceof PartnerPrintError) return errorPage(e.message, 502, back);
    if (e instanceof ServiceError) return errorPage(e.message, STATUS[e.code], back);
    console.error(e);
    return errorPage(INTERNAL_MESSAGE, 500, back);
  }
}

/** `inline` so the PDF opens in the tab; the Russian name per RFC 5987/6266, the ASCII one for old clients. */
function contentDisposition(ascii: string, title: string) {
  const encoded = encodeURIComponent(title).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${ascii.replace(/["\\]/g, "_")}"; filename*=UTF-8''${encoded}`;
}

function backLink(input: { orderId?: number; manifestId?: number }) {
  const id = (v?: number) => v !== undefined && Number.isSafeInteger(v) && v > 0;
  if (id(input.orderId)) return { href: `/orders/${input.orderId}`, text: "Вернуться к заказу" };
  if (id(input.manifestId)) return { href: `/manifests/${input.manifestId}`, text: "Вернуться к манифесту" };
  return { href: "/orders", text: "Вернуться в кабинет" };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The tab shows why there is no file, in Russian, with the way back. */
function errorPage(message: string, status: number, back: { href: string; text: string }) {
  const html = `<!doctype html>
<html lang="ru">
<head><meta charset="utf-8"><title>Печать форм партнёра</title></head>
<body>
<h1>Формы партнёра не получены</h1>
<p>${escapeHtml(message)}</p>
<p><a href="${escapeHtml(back.href)}">${escapeHtml(back.text)}</a></p>
</body>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": PAGE_CSP,
      "x-frame-options": "DENY",
    },
  });
}
