import { retailCrmCallback } from "@/server/services/shop-apps/retailcrm-callbacks";
import { contentDisposition, FILE_CSP } from "../../../../file-response";
import { answerJson, fieldsOf, json, tooLarge } from "../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// RetailCRM's callbacks to the module (retailcrm.md §5): `clientId` plus the action's JSON field, as a form POST
// (a query for `get` and `tariffList`). Thin: the service authenticates by clientId and does the work.
async function handle(req: Request, { params }: { params: Promise<{ action: string }> }) {
  const { action } = await params;
  const fields = await fieldsOf(req);
  if (fields === "too-large") return tooLarge();
  return answerJson(async (db) => {
    const answer = await retailCrmCallback(db, action, fields);
    if ("file" in answer) {
      const { file } = answer;
      return new Response(file.stream, {
        status: 200,
        headers: {
          "content-type": "application/pdf",
          "content-disposition": contentDisposition(file.fileName.ascii, file.fileName.title),
          "content-security-policy": FILE_CSP,
          "cache-control": "no-store",
        },
      });
    }
    return json(answer.json, answer.status);
  });
}

export const GET = handle;
export const POST = handle;
