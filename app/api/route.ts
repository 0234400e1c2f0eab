import { getDb } from "@/db/client";
import { clientIp } from "@/server/services/security/client-ip";
import { handleXmlRequest, XML_CONTENT_TYPE } from "@/server/xmlapi/handler";
import { buildXml, el, MAX_BODY_BYTES } from "@/server/xmlapi/xml";

// MeaSoft-compatible XML API at /api and /api/ (next.config.mjs skips the trailing-slash redirect).
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const xml = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": XML_CONTENT_TYPE } });

/** Reads at most MAX_BODY_BYTES + 1 bytes, so an oversized body is refused without being buffered. */
async function readLimited(req: Request): Promise<Buffer> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return Buffer.alloc(MAX_BODY_BYTES + 1);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return Buffer.alloc(MAX_BODY_BYTES + 1);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function POST(req: Request) {
  const body = await readLimited(req);
  const contentType = req.headers.get("content-type");
  const out = await handleXmlRequest({ db: getDb(), body, contentType, ip: clientIp(req.headers) });
  return xml(out.body, out.status);
}

export function GET() {
  return xml(buildXml(el("info", {}, "MeaSoft-compatible XML API: POST one UTF-8 XML document here; the root element selects the function. See docs/xml-api.md")));
}
