import type { Queryable } from "@/db/client";
import { authenticateApi, type ApiAccount } from "@/server/services/auth/api";
import { cancelorder, editorder, neworder } from "./functions/orders";
import { calculator, client, regionlist, services, streetlist, townlist } from "./functions/reference";
import { commitlaststatus, setorderinfo, statusreq, tracking } from "./functions/status";
import { errorAnswer, XmlRequestError, type AuthedCall, type XmlCall } from "./types";
import { attr, buildXml, MAX_BODY_BYTES, one, parseXml, XmlInputError, type OutNode } from "./xml";

type Entry =
  | { auth: "full"; run: (c: AuthedCall) => Promise<OutNode> }
  /** neworder/editorder report a failed <auth> per order (code 1) instead of at the root. */
  | { auth: "per-order"; run: (c: XmlCall, account: ApiAccount | null) => Promise<OutNode> }
  | { auth: "none"; run: (c: XmlCall) => Promise<OutNode> };

const FUNCTIONS: Record<string, Entry> = {
  neworder: { auth: "per-order", run: neworder },
  editorder: { auth: "per-order", run: editorder },
  cancelorder: { auth: "full", run: cancelorder },
  statusreq: { auth: "full", run: statusreq },
  commitlaststatus: { auth: "full", run: commitlaststatus },
  setorderinfo: { auth: "full", run: setorderinfo },
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
  const label = /charset=["']?([\w-]+)/i.exec(contentType ?? "")?.[1] ?? /^<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(body.subarray(0, 200).toString("latin1"))?.[1];
  if (label && /^(windows-1251|cp1251)$/i.test(label)) return new TextDecoder("windows-1251").decode(body);
  return body;
}

/**
 * The MeaSoft-compatible XML API, free of any web framework: bytes in, XML out. Protocol errors are HTTP 200 with the
 * code in the XML; only an oversized body gets a transport-level 413. Unknown failures are logged and answered with
 * code 13 and a generic text — never the database's message.
 */
export async function handleXmlRequest(req: XmlRequest): Promise<XmlResponse> {
  const size = typeof req.body === "string" ? Buffer.byteLength(req.body) : req.body.length;
  if (size > MAX_BODY_BYTES) return { status: 413, body: buildXml(errorAnswer("error", 1, `запрос больше ${MAX_BODY_BYTES / 1024 / 1024} МБ`)) };
  let root: string;
  let call: XmlCall;
  try {
    const parsed = parseXml(decode(req.body, req.contentType));
    root = parsed.root;
    call = { db: req.db, root, node: parsed.node };
  } catch (e) {
    if (e instanceof XmlInputError) return { status: 200, body: buildXml(errorAnswer("error", 1, e.message)) };
    console.error("[xmlapi] parse failed", e);
    return { status: 200, body: buildXml(errorAnswer("error", 1)) };
  }
  const entry = FUNCTIONS[root];
  if (!entry) return { status: 200, body: buildXml(errorAnswer("error", 14, root.slice(0, 50))) };
  try {
    let out: OutNode;
    if (entry.auth === "none") out = await entry.run(call);
    else {
      const account = await authenticate(call);
      if (entry.auth === "per-order") out = await entry.run(call, "code" in account ? null : account);
      else if ("code" in account) out = errorAnswer(root, account.code);
      else out = await entry.run({ ...call, account, ctx: { db: req.db, actor: account.actor } });
    }
    return { status: 200, body: buildXml(out) };
  } catch (e) {
    if (e instanceof XmlRequestError) return { status: 200, body: buildXml(errorAnswer(root, e.code, e.detail)) };
    console.error(`[xmlapi] ${root} failed`, e);
    return { status: 200, body: buildXml(errorAnswer(root, 13)) };
  }
}

async function authenticate(call: XmlCall): Promise<ApiAccount | { code: 24 | 25 }> {
  const auth = one(call.node.auth);
  const login = attr(auth, "login");
  if (!auth || !login) return { code: 24 };
  const account = await authenticateApi(call.db, { extra: attr(auth, "extra") ?? "", login, pass: attr(auth, "pass") ?? "", clientCode: attr(auth, "clientcode") });
  return account ?? { code: 25 };
}
