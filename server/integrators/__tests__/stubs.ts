import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { XMLParser } from "fast-xml-parser";

/**
 * Real HTTP servers on 127.0.0.1 ephemeral ports that speak just enough of each partner's protocol for the probes.
 * Every request is recorded so tests can assert that a probe sent nothing but its harmless read.
 */
export interface StubServer {
  url: string;
  requests: { method: string; path: string; headers: IncomingMessage["headers"]; body: string }[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<StubServer> {
  const requests: StubServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" });

function sendXml(res: ServerResponse, xml: string, status = 200) {
  res.writeHead(status, { "content-type": "text/xml; charset=utf-8" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

/** MeaSoft XML API: one endpoint, root element = function, `<auth extra login pass>`, error 25 on bad credentials. */
export function startMeasoftStub(accounts: { extra: string; login: string; pass: string }[]): Promise<StubServer> {
  return listen((req, body, res) => {
    if (req.method !== "POST") return sendXml(res, `<error error="1">Ожидается POST</error>`);
    let doc: Record<string, Record<string, unknown>>;
    try {
      doc = xmlParser.parse(body, true) as Record<string, Record<string, unknown>>;
    } catch {
      return sendXml(res, `<error error="1" errormsg="Invalid XML">Неверный XML</error>`);
    }
    const root = Object.keys(doc).find((k) => !k.startsWith("?"));
    if (!root) return sendXml(res, `<error error="2">Пустой запрос</error>`);
    const auth = doc[root]?.auth as Record<string, string> | undefined;
    const ok =
      !!auth &&
      accounts.some(
        (a) =>
          a.extra === String(auth["@extra"]) && a.login === String(auth["@login"]) && a.pass === String(auth["@pass"]),
      );
    if (!ok)
      return sendXml(res, `<${root} error="25" errormsg="Authorization error" errormsgru="Ошибка авторизации"/>`);
    if (root === "client") return sendXml(res, `<client><code>1</code></client>`);
    if (root === "statusreq") return sendXml(res, `<statusreq count="0"/>`);
    return sendXml(res, `<${root} error="14">Неизвестная функция</${root}>`);
  });
}

/** CDEK OAuth: `POST /v2/oauth/token`, credentials in the form body (or the query, as the spec declares). */
export function startCdekStub(account: string, secure: string): Promise<StubServer> {
  return listen((req, body, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.method !== "POST" || url.pathname !== "/v2/oauth/token")
      return json(404, { errors: [{ code: "v2_not_found", message: "Not found" }] });
    const form = new URLSearchParams(body);
    const get = (k: string) => form.get(k) ?? url.searchParams.get(k);
    if (get("grant_type") !== "client_credentials")
      return json(400, { error: "unsupported_grant_type", error_description: "Unsupported grant type" });
    if (get("client_id") !== account || get("client_secret") !== secure) {
      return json(401, { error: "invalid_client", error_description: "Bad client credentials" });
    }
    return json(200, {
      access_token: "eyJ.stub.token",
      token_type: "bearer",
      expires_in: 3600,
      scope: "order:all",
      jti: "stub",
    });
  });
}

/** Accepts connections and never answers: for timeout tests. */
export function startSilentServer(): Promise<StubServer> {
  return listen(() => {
    /* never respond */
  });
}

/** A port that was just free: nothing listens there, so connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const s = await listen(() => {});
  await s.close();
  return s.url;
}
