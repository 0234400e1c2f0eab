import { getDb } from "@/db/client";
import { ServiceError } from "@/server/services/errors";
import { AppNotConfiguredError } from "@/server/services/shop-apps";

const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
};

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

/** The InSales callbacks answer plain text: 200 «OK», or the Russian reason with its status (InSales shows none). */
export async function answer(run: (db: ReturnType<typeof getDb>) => Promise<Response | string>): Promise<Response> {
  try {
    const r = await run(getDb());
    return typeof r === "string" ? text(r, 200) : r;
  } catch (e) {
    if (e instanceof ServiceError) return text(e.message, STATUS[e.code] ?? 400);
    if (e instanceof AppNotConfiguredError) return text(e.message, 503);
    console.error("[insales app] callback failed", e);
    return text("Сервис временно недоступен, попробуйте позже", 500);
  }
}

export const queryOf = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

/** Our own pages, at the deployment's public address when set (the request's may be the proxy's inner one). */
export function ownUrl(path: string, req: Request): string {
  return new URL(path, process.env.PUBLIC_URL || req.url).toString();
}
