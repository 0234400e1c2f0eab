import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { ServiceError } from "@/server/services/errors";
import { uploadImport } from "@/server/services/orders/import";
import { INTERNAL_MESSAGE } from "@/server/trpc/errors";
import { statusOf } from "../../file-response";

// Upload of an import file: POST /api/orders/import?name=<file name>[&clientId=…] with the file as the raw body
// (no multipart: the body streams straight into the parser, 20 MB at most). Answers the import as JSON.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });

export async function POST(req: Request) {
  const session = await getSession();
  if (!session) return json({ message: "Войдите в кабинет" }, 401);
  // Only the cabinet's own pages upload (its cookie is lax, and this refuses a cross-site fetch outright).
  if (req.headers.get("sec-fetch-site") === "cross-site") return json({ message: "Запрос с чужого сайта" }, 403);
  const url = new URL(req.url);
  const clientParam = url.searchParams.get("clientId");
  const clientId = clientParam && /^\d{1,9}$/.test(clientParam) ? Number(clientParam) : undefined;
  if (!req.body) return json({ message: "Файл пуст" }, 400);
  try {
    const view = await uploadImport({
      ctx: { db: getDb(), actor: session.actor },
      input: {
        clientId,
        fileName: url.searchParams.get("name") ?? "",
        body: req.body as unknown as AsyncIterable<Uint8Array>,
      },
    });
    return json(view);
  } catch (e) {
    if (e instanceof ServiceError) return json({ message: e.message, fieldErrors: e.fieldErrors }, statusOf(e));
    console.error(e);
    return json({ message: INTERNAL_MESSAGE }, 500);
  }
}
