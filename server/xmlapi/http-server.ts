import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Queryable } from "@/db/client";
import { handleXmlRequest, XML_CONTENT_TYPE } from "./handler";
import { buildXml, el, MAX_BODY_BYTES } from "./xml";

/** Reads a body up to `limit` bytes; null when it is longer (the rest is drained, not buffered). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) {
    req.resume();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const HINT = buildXml(
  el("info", {}, "MeaSoft-compatible XML API: POST one XML document to /api/ (see docs/xml-api.md)"),
);

/**
 * The XML API on plain node:http (used by the benchmark; any deployment without Next.js can use it too). Serves POST
 * on `/`, `/api` and `/api/` without redirects, as stock clients do not follow them.
 */
export function createXmlApiServer(db: Queryable): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/" && path !== "/api" && path !== "/api/") {
      res
        .writeHead(404, { "content-type": XML_CONTENT_TYPE })
        .end(buildXml(el("error", { error: 14, errormsg: "Not found" })));
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(200, { "content-type": XML_CONTENT_TYPE }).end(HINT);
      return;
    }
    void (async () => {
      try {
        const body = await readBody(req);
        const out =
          body === null
            ? await handleXmlRequest({ db, body: Buffer.alloc(MAX_BODY_BYTES + 1) })
            : await handleXmlRequest({
                db,
                body,
                contentType: req.headers["content-type"],
                ip: req.socket.remoteAddress,
              });
        res.writeHead(out.status, { "content-type": XML_CONTENT_TYPE }).end(out.body);
      } catch (e) {
        console.error("[xmlapi] http", e);
        if (!res.headersSent)
          res
            .writeHead(200, { "content-type": XML_CONTENT_TYPE })
            .end(buildXml(el("error", { error: 13, errormsg: "Database error" })));
      }
    })();
  });
}
