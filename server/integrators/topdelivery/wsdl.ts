import { PartnerError } from "../errors";
import { httpRequest, UnreachableError } from "../http";
import { attr, parseXmlRoot, type XmlNode } from "../xml";

/**
 * What a gate's WSDL says about calling it: where (soap:address), in which namespace the body elements live (the
 * schema's targetNamespace) and each operation's SOAPAction. Our sources do not confirm TopDelivery's values
 * (topdelivery.md §10), so they are always read from the gate itself.
 */
export interface GateDescription {
  endpoint: string;
  namespace: string;
  soapActions: Record<string, string>;
  operations: string[];
}

const local = (key: string) => key.slice(key.indexOf(":") + 1);

function childrenNamed(node: unknown, name: string): XmlNode[] {
  if (typeof node !== "object" || node === null) return [];
  const out: XmlNode[] = [];
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k.startsWith("@") || local(k) !== name) continue;
    for (const item of Array.isArray(v) ? v : [v]) if (item && typeof item === "object") out.push(item as XmlNode);
  }
  return out;
}

/** Parses a WSDL 1.1 document; null when it is not one (a web page, an error answer). */
export function parseWsdl(xml: string, wsdlUrl: string): GateDescription | null {
  const root = parseXmlRoot(xml);
  if (!root || local(root.name) !== "definitions") return null;
  const defs = root.node;
  const schemas = childrenNamed(defs, "types").flatMap((t) => childrenNamed(t, "schema"));
  const namespace = attr(schemas[0], "targetNamespace") ?? attr(defs, "targetNamespace");
  if (!namespace) return null;
  const soapActions: Record<string, string> = {};
  const operations: string[] = [];
  for (const binding of childrenNamed(defs, "binding")) {
    for (const op of childrenNamed(binding, "operation")) {
      const name = attr(op, "name");
      if (!name) continue;
      operations.push(name);
      const soapOp = childrenNamed(op, "operation")[0];
      soapActions[name] = attr(soapOp, "soapAction") ?? "";
    }
  }
  const port = childrenNamed(defs, "service").flatMap((s) => childrenNamed(s, "port"))[0];
  const location = attr(childrenNamed(port, "address")[0], "location");
  // A relative or missing address means «the WSDL's own address without its query».
  const endpoint = new URL(location ?? wsdlUrl.replace(/\?.*$/, ""), wsdlUrl).toString();
  return { endpoint, namespace, soapActions, operations: [...new Set(operations)] };
}

/** A gate's WSDL changes with its version, not by the minute: each process reads it once an hour at most. */
const WSDL_TTL_MS = 60 * 60_000;
const cache = new Map<string, { at: number; value: Promise<GateDescription> }>();

export function describeGate(wsdlUrl: string, timeoutMs: number, headers: Record<string, string> = {}) {
  const hit = cache.get(wsdlUrl);
  if (hit && Date.now() - hit.at < WSDL_TTL_MS) return hit.value;
  const value = fetchWsdl(wsdlUrl, timeoutMs, headers);
  cache.set(wsdlUrl, { at: Date.now(), value });
  // A failed read is not kept: the next call tries again.
  value.catch(() => cache.delete(wsdlUrl));
  return value;
}

async function fetchWsdl(wsdlUrl: string, timeoutMs: number, headers: Record<string, string>) {
  let res;
  try {
    res = await httpRequest(wsdlUrl, { method: "GET", headers: { accept: "text/xml", ...headers }, timeoutMs });
  } catch (e) {
    if (e instanceof UnreachableError) throw new PartnerError(e.refused ? "auth" : "transient", e.message);
    throw e;
  }
  if (res.status === 401 || res.status === 403)
    throw new PartnerError("auth", `Шлюз TopDelivery не выдал описание (WSDL): логин или пароль шлюза неверны`);
  if (res.status >= 500 || res.status === 429)
    throw new PartnerError("transient", `Шлюз TopDelivery не выдал описание (WSDL): HTTP ${res.status}`);
  const gate = parseWsdl(res.text, wsdlUrl);
  if (!gate)
    throw new PartnerError("rejected", `По адресу ${wsdlUrl} нет описания SOAP-шлюза (WSDL), HTTP ${res.status}`);
  return gate;
}
