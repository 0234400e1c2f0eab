import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { openDocument } from "@/server/services/documents/open";
import { documentRequestOf } from "@/server/services/documents/schemas";
import { ServiceError } from "@/server/services/errors";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";
import {
  backLink,
  type BackLink,
  contentDisposition,
  errorPage,
  FILE_CSP,
  signInFirst,
  statusOf,
} from "../file-response";

// Our own documents as PDF, made here: GET /api/documents?kind=labels|waybill|act&format=58x40|100x100|a4 with
// orderId=…, manifestId=… or orderIds=1,2,3. The order list's selection may be long, so it posts the same fields as
// a form. Opened in a new tab from the cabinet; the PDF streams as it is rendered.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const fail = (message: string, status: number, back: BackLink) =>
  errorPage("Печать документов", "Документ не сформирован", message, status, back);
const backOf = (input: { orderId?: unknown; manifestId?: unknown }) =>
  backLink(input, { href: "/orders", text: "Вернуться к заказам" });

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
    return fail("Некорректный запрос", 400, backOf({}));
  }
  return serve(params, "/orders");
}

async function serve(params: URLSearchParams, comeBack: string) {
  const session = await getSession();
  if (!session) {
    // The tab opened from a card whose session has since ended: sign in and come back (a form, to the list).
    return signInFirst(comeBack);
  }
  const input = documentRequestOf(params);
  const back = backOf(input);
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
    if (e instanceof ZodError) return fail(e.issues[0]?.message ?? "Некорректный запрос", 400, back);
    if (e instanceof ServiceError) return fail(e.message, statusOf(e), back);
    console.error(e);
    return fail(INTERNAL_MESSAGE, 500, back);
  }
}
