import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { ServiceError } from "@/server/services/errors";
import { exportInvalidRows } from "@/server/services/orders/import";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";
import { contentDisposition, errorPage, signInFirst, statusOf } from "../../../../file-response";

// «Скачать строки с ошибками»: GET /api/orders/import/<id>/errors — the invalid rows with an «Ошибка» column, streamed.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const BACK = { href: "/orders/import", text: "Вернуться к импорту" };

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const url = new URL(req.url);
  const session = await getSession();
  if (!session) return signInFirst(url.pathname);
  const { id } = await params;
  try {
    const file = await exportInvalidRows({
      ctx: { db: getDb(), actor: session.actor },
      input: { id: /^\d{1,9}$/.test(id) ? Number(id) : 0 },
    });
    return new Response(file.stream, {
      headers: {
        "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": contentDisposition(file.fileName.ascii, file.fileName.title, "attachment"),
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    const fail = (message: string, status: number) => errorPage("Импорт", "Файл не сформирован", message, status, BACK);
    if (e instanceof ZodError) return fail("Импорт: не найдено", 404);
    if (e instanceof ServiceError) return fail(e.message, statusOf(e));
    console.error(e);
    return fail(INTERNAL_MESSAGE, 500);
  }
}
