import { getSession } from "@/server/auth";
import { importTemplate } from "@/server/services/orders/import";
import { contentDisposition, signInFirst } from "../../../file-response";

// «Скачать шаблон» of the order import: our column titles and one sample row.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  if (!(await getSession())) return signInFirst(new URL(req.url).pathname);
  return new Response(new Uint8Array(await importTemplate()), {
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": contentDisposition("orders-template.xlsx", "Шаблон заказов.xlsx", "attachment"),
      "cache-control": "no-store",
    },
  });
}
