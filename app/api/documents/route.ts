import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { openDocument } from "@/server/services/documents/open";
import { documentRequestOf } from "@/server/services/documents/schemas";
import { ServiceError, type ServiceErrorCode } from "@/server/services/errors";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";

// Our own documents as PDF, made here: GET /api/documents?kind=labels|waybill|act&format=58x40|100x100|a4 with
// orderId=…, manifestId=… or orderIds=1,2,3. The order list's selection may be long, so it posts the same fields as
// a form. Opened in a new tab from the cabinet; the PDF streams as it is rendered.
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
// which `default-src 'none'` blocks. Error pages keep the strict policy.
const FILE_CSP = "frame-ancestors 'none'";
const PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

export function GET(req: Request) {
  const url = new URL(req.url);
  return serve(url.searchParams, `${url.pathname}${url.search}`);
}

/** The order list's selection: the same fields as the query, as a form (thousands of ids do not fit in a URL). */
export async function POST(req: Request) {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(await req.text());
  } catch {
    return errorPage("Некорректный запрос", 400, backLink({}));
  }
  return serve(params, "/orders");
}

async function serve(params: URLSearchParams, comeBack: string) {
  const session = await getSession();
  if (!session) {
    // The tab opened from a card whose session has since ended: sign in and come back (a form, to the list).
    return new Response(null, {
      status: 303,
      headers: { location: `/login?callbackUrl=${encodeURIComponent(comeBack)}` },
    });
  }
  const input = documentRequestOf(params);
  const back = backLink(input);
  try {
    const doc = await openDocument({ ctx: { db: getDb(), actor: session.actor }, input });
    return new Response(doc.stream, {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": contentDisposition(doc.fileName.ascii, doc.fileName.title),
        "cache-control": "no-store",
        "content-security-policy": FILE_CSP,
        "x-frame-options": "DENY",
        // For scripts and tests: what the file holds.
        "x-document-orders": String(doc.orders),
        "x-document-labels": String(doc.labels),
      },
    });
  } catch (e) {
    if (e instanceof ZodError) return errorPage(e.issues[0]?.message ?? "Некорректный запрос", 400, back);
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

function backLink(input: { orderId?: unknown; manifestId?: unknown }) {
  const id = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v > 0;
  if (id(input.orderId)) return { href: `/orders/${input.orderId}`, text: "Вернуться к заказу" };
  if (id(input.manifestId)) return { href: `/manifests/${input.manifestId}`, text: "Вернуться к манифесту" };
  return { href: "/orders", text: "Вернуться к заказам" };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The tab shows why there is no file, in Russian, with the way back. */
function errorPage(message: string, status: number, back: { href: string; text: string }) {
  const html = `<!doctype html>
<html lang="ru">
<head><meta charset="utf-8"><title>Печать документов</title></head>
<body>
<h1>Документ не сформирован</h1>
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
