import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { ServiceError } from "@/server/services/errors";
import { exportCodView } from "@/server/services/payments/cod-view";
import { codViewInputOf } from "@/server/services/payments/report-schemas";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";
import { contentDisposition, errorPage, signInFirst, statusOf } from "../../file-response";

// «Скачать xlsx» of «Наложенный платёж»: GET /api/payments/cod-export?from=ГГГГ-ММ-ДД&to=ГГГГ-ММ-ДД[&clientId=…].
// Company staff only (the service checks); the workbook streams as it is written. The strict CSP, nosniff and DENY
// come from next.config.mjs, as for every /api route but the PDF ones.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const BACK = { href: "/documents/cod", text: "Вернуться к наложенному платежу" };
const fail = (message: string, status: number) =>
  errorPage("Наложенный платёж", "Файл не сформирован", message, status, BACK);

export async function GET(req: Request) {
  const url = new URL(req.url);
  const session = await getSession();
  if (!session) return signInFirst(`${url.pathname}${url.search}`);
  try {
    const file = await exportCodView({
      ctx: { db: getDb(), actor: session.actor },
      input: codViewInputOf(url.searchParams),
    });
    return new Response(file.stream, {
      headers: {
        "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": contentDisposition(file.fileName.ascii, file.fileName.title, "attachment"),
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof ZodError) return fail(e.issues[0]?.message ?? "Некорректный запрос", 400);
    if (e instanceof ServiceError) return fail(e.message, statusOf(e));
    console.error(e);
    return fail(INTERNAL_MESSAGE, 500);
  }
}
