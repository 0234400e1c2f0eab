import { getDb } from "@/db/client";
import { clientIp } from "@/server/services/security/client-ip";
import { handleXmlRequest, XML_CONTENT_TYPE } from "@/server/xmlapi/handler";
import { buildXml, el, MAX_BODY_BYTES } from "@/server/xmlapi/xml";
import { readLimited } from "./read-limited";

// MeaSoft-compatible XML API at /api and /api/ (next.config.mjs skips the trailing-slash redirect).
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const xml = (body: string, status = 200) =>
  new Response(body, { status, headers: { "content-type": XML_CONTENT_TYPE } });

export async function POST(req: Request) {
  const body = await readLimited(req, MAX_BODY_BYTES);
  const contentType = req.headers.get("content-type");
  const out = await handleXmlRequest({ db: getDb(), body, contentType, ip: clientIp(req.headers) });
  return xml(out.body, out.status);
}

export function GET() {
  return xml(
    buildXml(
      el(
        "info",
        {},
        "MeaSoft-compatible XML API: POST one UTF-8 XML document here; the root element selects the function. See docs/xml-api.md",
      ),
    ),
  );
}
