import { getDb } from "@/db/client";
import { receiveHook } from "@/server/services/exchange/hooks";
import { MAX_BODY_BYTES } from "@/server/xmlapi/xml";
import { readLimited } from "../../../read-limited";

// Partner webhooks: /api/hooks/<integrator>/<integration's hook key>. Verified by the integrator's adapter, stored
// once and worked off by the worker, so the partner's call is answered at once.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const text = (message: string, status: number) =>
  new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function POST(req: Request, { params }: { params: Promise<{ integrator: string; key: string }> }) {
  const { integrator, key } = await params;
  const body = await readLimited(req, MAX_BODY_BYTES);
  if (body.length > MAX_BODY_BYTES) return text("Слишком большое уведомление", 413);
  const answer = await receiveHook(getDb(), { integrator, key, headers: req.headers, body: body.toString("utf8") });
  return text(answer.message, answer.status);
}
