import type { Queryable } from "@/db/client";
import { authenticateApi, type ApiAccount } from "@/server/services/auth/api";
import { cancelorder, editorder, itemResult, neworder } from "./functions/orders";
import { calculator, client, regionlist, services, streetlist, townlist } from "./functions/reference";
import { commitlaststatus, setorderinfo, statusreq, tracking } from "./functions/status";
import { errorAnswer, XmlRequestError, type AuthedCall, type XmlCall } from "./types";
import { parseXmlOffLoop, XmlBusyError } from "./parse-pool";
import { attr, buildXml, el, MAX_BODY_BYTES, one, XmlInputError, XmlLimitError, type OutNode } from "./xml";

type Entry =
  /**
   * `item`: neworder/editorder answer a failed <auth> as one <createorder> with per-order code 1 (§2, §6.1).
   * `writes`: changes orders or the feed cursor, so a read-only staff user's `clientcode` login is refused as auth.
   */
  | { auth: "full"; run: (c: AuthedCall) => Promise<OutNode>; authFailure?: "item"; writes?: true }
  | { auth: "none"; run: (c: XmlCall) => Promise<OutNode> };

const FUNCTIONS: Record<string, Entry> = {
  neworder: { auth: "full", run: neworder, authFailure: "item", writes: true },
  editorder: { auth: "full", run: editorder, authFailure: "item", writes: true },
  cancelorder: { auth: "full", run: cancelorder, writes: true },
  statusreq: { auth: "full", run: statusreq },
  commitlaststatus: { auth: "full", run: commitlaststatus, writes: true },
  setorderinfo: { auth: "full", run: setorderinfo, writes: true },
  calculator: { auth: "full", run: calculator },
  client: { auth: "full", run: client },
  tracking: { auth: "none", run: tracking },
  services: { auth: "none", run: services },
  townlist: { auth: "none", run: townlist },
  regionlist: { auth: "none", run: regionlist },
  streetlist: { auth: "none", run: streetlist },
};

export interface XmlRequest {
  db: Queryable;
  body: string | Buffer;
  contentType?: string | null;
  ip?: string;
}

export interface XmlResponse {
  status: number;
  body: string;
}

export const XML_CONTENT_TYPE = "text/xml; charset=utf-8";

/** windows-1251 is not in the spec, but a body labelled so (header or XML declaration) is decoded as labelled. */
function decode(body: string | Buffer, contentType?: string | null): string | Buffer {
  if (typeof body === "string") return body;
  const label =
    /charset=["']?([\w-]+)/i.exec(contentType ?? "")?.[1] ??
    /^<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(body.subarray(0, 200).toString("latin1"))?.[1];
  if (label && /^(windows-1251|cp1251)$/i.test(label)) return new TextDecoder("windows-1251").decode(body);
  return body;
}

/**
 * The MeaSoft-compatible XML API, free of any web framework: bytes in, XML out. Protocol errors are HTTP 200 with the
 * code in the XML; only an oversized body gets a transport-level 413 (and a parser saturated by other large documents
 * a 503). Unknown failures are logged and answered with code 13 and a generic text — never the database's message.
 * Work is bounded before it starts: the document's shape and its number of orders are checked in one pass before
 * parsing (large documents are parsed off the event loop), and <auth> before any order is looked at.
 */
export async function handleXmlRequest(req: XmlRequest): Promise<XmlResponse> {
  const size = typeof req.body === "string" ? Buffer.byteLength(req.body) : req.body.length;
  if (size > MAX_BODY_BYTES)
    return { status: 413, body: buildXml(errorAnswer("error", 1, `запрос больше ${MAX_BODY_BYTES / 1024 / 1024} МБ`)) };
  let root: string;
  let call: XmlCall;
  try {
    const parsed = await parseXmlOffLoop(decode(req.body, req.contentType));
    root = parsed.root;
    call = { db: req.db, root, node: parsed.node };
  } catch (e) {
    if (e instanceof XmlLimitError && e.limit === "orders") {
      if (!FUNCTIONS[e.root]) return { status: 200, body: buildXml(errorAnswer("error", 14, e.root.slice(0, 50))) };
      return { status: 200, body: buildXml(errorAnswer(e.root, 40, e.message)) };
    }
    if (e instanceof XmlInputError) return { status: 200, body: buildXml(errorAnswer("error", 1, e.message)) };
    if (e instanceof XmlBusyError) return { status: 503, body: buildXml(el("error", BUSY)) };
    console.error("[xmlapi] parse failed", e);
    return { status: 200, body: buildXml(errorAnswer("error", 1)) };
  }
  const entry = FUNCTIONS[root];
  if (!entry) return { status: 200, body: buildXml(errorAnswer("error", 14, root.slice(0, 50))) };
  try {
    let out: OutNode;
    if (entry.auth === "none") out = await entry.run(call);
    else {
      let account = await authenticate(call, req.ip);
      if (!("code" in account) && account.readOnly && entry.writes) account = { code: 25 };
      if (!("code" in account)) out = await entry.run({ ...call, account, ctx: { db: req.db, actor: account.actor } });
      else if (entry.authFailure === "item") out = el(root, {}, [itemResult("createorder", {}, 1)]);
      else out = errorAnswer(root, account.code);
    }
    return { status: 200, body: buildXml(out) };
  } catch (e) {
    if (e instanceof XmlRequestError) return { status: 200, body: buildXml(errorAnswer(root, e.code, e.detail)) };
    console.error(`[xmlapi] ${root} failed`, e);
    return { status: 200, body: buildXml(errorAnswer(root, 13)) };
  }
}

const BUSY = {
  error: 13,
  errormsg: "Server busy",
  errormsgru: "Сервер занят разбором больших запросов, повторите позже",
};

/** `ip` from the route (clientIp): the XML door shares the cabinet's sign-in throttle, `clientcode` logins included. */
async function authenticate(call: XmlCall, ip: string | undefined): Promise<ApiAccount | { code: 24 | 25 }> {
  const auth = one(call.node.auth);
  const login = attr(auth, "login");
  if (!auth || !login) return { code: 24 };
  const creds = {
    extra: attr(auth, "extra") ?? "",
    login,
    pass: attr(auth, "pass") ?? "",
    clientCode: attr(auth, "clientcode"),
  };
  const account = await authenticateApi(call.db, creds, ip ?? "unknown");
  return account ?? { code: 25 };
}
