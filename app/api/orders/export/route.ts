import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { ServiceError } from "@/server/services/errors";
import { exportOrders } from "@/server/services/orders/export";
import { exportInputOf } from "@/server/services/orders/export-schemas";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";
import { contentDisposition, errorPage, signInFirst, statusOf } from "../../file-response";

// «Скачать xlsx / csv» of the order list: GET /api/orders/export?format=xlsx|csv&<the orders page's own parameters>.
// Staff export any client's orders, a client its own (the list's scope); the file streams as orders are read.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const BACK = { href: "/orders", text: "Вернуться к заказам" };
const fail = (message: string, status: number) => errorPage("Заказы", "Файл не сформирован", message, status, BACK);

export async function GET(req: Request) {
  const url = new URL(req.url);
  const session = await getSession();
  if (!session) return signInFirst(`/orders${url.search}`);
  try {
    const file = await exportOrders({
      ctx: { db: getDb(), actor: session.actor },
      input: exportInputOf(url.searchParams),
    });
    return new Response(file.stream, {
      headers: {
        "content-type": file.contentType,
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
