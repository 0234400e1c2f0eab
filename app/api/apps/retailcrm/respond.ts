import { getDb } from "@/db/client";
import { ServiceError } from "@/server/services/errors";
import { AppNotConfiguredError } from "@/server/services/shop-apps";
import { MAX_BODY_BYTES } from "@/server/xmlapi/xml";
import { readLimited } from "../../read-limited";
import { STATUS } from "../../file-response";

/** RetailCRM reads JSON envelopes: `{success: true, …}` or `{success: false, errorMsg}` (retailcrm.md §1). */
export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });

export async function answerJson(run: (db: ReturnType<typeof getDb>) => Promise<Response>): Promise<Response> {
  try {
    return await run(getDb());
  } catch (e) {
    if (e instanceof ServiceError) return json({ success: false, errorMsg: e.message }, STATUS[e.code] ?? 400);
    if (e instanceof AppNotConfiguredError) return json({ success: false, errorMsg: e.message }, 503);
    console.error("[retailcrm] request failed", e);
    return json({ success: false, errorMsg: "Сервис временно недоступен, попробуйте позже" }, 500);
  }
}

/** The CRM's form fields (POST, `application/x-www-form-urlencoded`) or query parameters (GET), size-limited. */
export async function fieldsOf(req: Request): Promise<Record<string, string> | "too-large"> {
  const fields = Object.fromEntries(new URL(req.url).searchParams);
  if (req.method !== "POST") return fields;
  const body = await readLimited(req, MAX_BODY_BYTES);
  if (body.length > MAX_BODY_BYTES) return "too-large";
  return { ...fields, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
}

export const tooLarge = () => json({ success: false, errorMsg: "Слишком большой запрос" }, 413);

/** Our own pages, at the deployment's public address when set. */
export const ownUrl = (path: string, req: Request) => new URL(path, process.env.PUBLIC_URL || req.url).toString();
