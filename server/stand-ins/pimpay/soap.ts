import { XMLParser, XMLValidator } from "fast-xml-parser";

/**
 * SOAP 1.1 rpc/encoded in and out. Requests become a small namespace-aware element tree (attributes kept: the
 * verification rows carry their data in attributes, encoded graphs may use href/id); answers are rendered with
 * `xsi:type` on every accessor and `SOAP-ENC:arrayType` on arrays, the way PHP's SoapServer writes them.
 */

export const SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/";
export const SOAP_ENC_NS = "http://schemas.xmlsoap.org/soap/encoding/";
export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
export const XSD_NS = "http://www.w3.org/2001/XMLSchema";
const SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";

/** A SOAP fault: `code` goes after `SOAP-ENV:` in faultcode ("Client", "Server"). Always HTTP 500 (SOAP 1.1 §6.2). */
export class SoapFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface XmlNode {
  /** Local name. */
  name: string;
  /** Namespace URI ("" when none). */
  ns: string;
  /** Attributes by qualified name as written (`xsi:type`, `oid`), xmlns declarations left out. */
  attrs: Record<string, string>;
  /** Concatenated text, trimmed (empty for elements with children only). */
  text: string;
  children: XmlNode[];
}

export interface SoapRequest {
  /** SOAP Header entries (e.g. the SDK's `client`, `version`, `signature`). */
  headers: XmlNode[];
  /** The body's first element: the rpc operation wrapper. Its children are the message parts. */
  operation: XmlNode;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: false,
});

type Ordered = Record<string, unknown>;

const localName = (qname: string) => qname.slice(qname.indexOf(":") + 1);
const prefixOf = (qname: string) => (qname.includes(":") ? qname.slice(0, qname.indexOf(":")) : "");

/** Builds the tree, resolving element prefixes against the xmlns declarations in scope. */
function toNodes(list: Ordered[], scope: Record<string, string>): XmlNode[] {
  const out: XmlNode[] = [];
  for (const entry of list) {
    const key = Object.keys(entry).find((k) => k !== ":@");
    if (!key || key === "#text" || key.startsWith("?") || key === "#comment") continue;
    const rawAttrs = (entry[":@"] ?? {}) as Record<string, string>;
    const inner: Record<string, string> = { ...scope };
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttrs)) {
      if (k === "xmlns") inner[""] = v;
      else if (k.startsWith("xmlns:")) inner[k.slice(6)] = v;
      else attrs[k] = v;
    }
    const kids = (entry[key] ?? []) as Ordered[];
    const text = kids
      .filter((k) => "#text" in k)
      .map((k) => String(k["#text"]))
      .join("")
      .trim();
    out.push({ name: localName(key), ns: inner[prefixOf(key)] ?? "", attrs, text, children: toNodes(kids, inner) });
  }
  return out;
}

/** An attribute by local name (`xsi:nil` and `nil`, `SOAP-ENC:arrayType` and `arrayType` alike). */
export function attr(node: XmlNode, local: string): string | undefined {
  for (const [k, v] of Object.entries(node.attrs)) if (localName(k) === local) return v;
  return undefined;
}

const isNil = (node: XmlNode) => /^(true|1)$/.test(attr(node, "nil") ?? "");

/** Replaces `href="#id"` references (multi-ref encoding, SOAP 1.1 §5.4.1) by the elements they point at. */
function resolveRefs(node: XmlNode, ids: Map<string, XmlNode>, depth = 0): XmlNode {
  if (depth > 64) throw new SoapFault("Client", "Слишком глубокая вложенность ссылок href в теле запроса");
  const href = attr(node, "href");
  const target = href?.startsWith("#") ? ids.get(href.slice(1)) : undefined;
  if (href !== undefined && !target) throw new SoapFault("Client", `Ссылка href="${href}" ни на что не указывает`);
  const base = target ? { ...target, name: node.name, ns: node.ns } : node;
  return { ...base, children: base.children.map((c) => resolveRefs(c, ids, depth + 1)) };
}

function collectIds(node: XmlNode, ids: Map<string, XmlNode>) {
  const id = attr(node, "id");
  if (id !== undefined) ids.set(id, node);
  for (const c of node.children) collectIds(c, ids);
}

/** Reads a SOAP 1.1 request; anything else is a Client fault (VersionMismatch for SOAP 1.2). */
export function parseEnvelope(xml: string): SoapRequest {
  if (!xml.trim()) throw new SoapFault("Client", "Пустое тело запроса: нужен SOAP-конверт (POST, text/xml)");
  if (/<!DOCTYPE/i.test(xml)) throw new SoapFault("Client", "SOAP-сообщение не может содержать DTD (<!DOCTYPE>)");
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new SoapFault(
      "Client",
      `Некорректный XML (строка ${valid.err.line}, столбец ${valid.err.col}): ${valid.err.msg}`,
    );
  const roots = toNodes(parser.parse(xml) as Ordered[], {});
  const env = roots[0];
  if (roots.length !== 1 || env?.name !== "Envelope")
    throw new SoapFault("Client", "Корневой элемент должен быть SOAP-конвертом (Envelope)");
  if (env.ns === SOAP12_NS)
    throw new SoapFault("VersionMismatch", `Сервис принимает только SOAP 1.1 (пространство имён ${SOAP11_NS})`);
  if (env.ns !== SOAP11_NS) throw new SoapFault("Client", `Envelope должен быть в пространстве имён ${SOAP11_NS}`);
  const bodies = env.children.filter((c) => c.name === "Body" && c.ns === SOAP11_NS);
  if (bodies.length !== 1) throw new SoapFault("Client", "В конверте нужен ровно один Body");
  const header = env.children.find((c) => c.name === "Header" && c.ns === SOAP11_NS);
  const body = bodies[0]!;
  const first = body.children[0];
  if (!first) throw new SoapFault("Client", "Body пуст: нужен элемент вызываемого метода");
  const ids = new Map<string, XmlNode>();
  collectIds(body, ids);
  return { headers: header?.children ?? [], operation: resolveRefs(first, ids) };
}

/** A child element by local name; an `xsi:nil` element counts as absent. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const found = node?.children.find((c) => c.name === name);
  return found && !isNil(found) ? found : undefined;
}

/** A child's text; undefined when the element is absent or nil. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  return child(node, name)?.text;
}

/** The members of an encoded array (`<item>`, whatever their names) or of a plain repeated list. */
export function items(node: XmlNode | undefined): XmlNode[] {
  return node ? node.children.filter((c) => !isNil(c)) : [];
}

// ---- answers ----

export type Enc =
  | { kind: "scalar"; xsd: "string" | "boolean" | "int" | "float"; value: string }
  | { kind: "struct"; type: string; fields: [string, Enc | undefined][] }
  | { kind: "array"; type: string; itemType: string; items: Enc[] }
  | { kind: "nil" };

export const str = (v: string): Enc => ({ kind: "scalar", xsd: "string", value: v });
export const bool = (v: boolean): Enc => ({ kind: "scalar", xsd: "boolean", value: String(v) });
export const int = (v: number): Enc => ({ kind: "scalar", xsd: "int", value: String(Math.trunc(v)) });
export const float = (v: number): Enc => ({ kind: "scalar", xsd: "float", value: String(v) });
export const nil: Enc = { kind: "nil" };
export const struct = (type: string, fields: Record<string, Enc | undefined>): Enc => ({
  kind: "struct",
  type,
  fields: Object.entries(fields),
});
export const array = (type: string, itemType: string, list: Enc[]): Enc => ({
  kind: "array",
  type,
  itemType,
  items: list,
});

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** One accessor; parts and struct members are unqualified, as in rpc/encoded. */
function render(name: string, value: Enc): string {
  switch (value.kind) {
    case "nil":
      return `<${name} xsi:nil="true"/>`;
    case "scalar":
      return `<${name} xsi:type="xsd:${value.xsd}">${escapeXml(value.value)}</${name}>`;
    case "struct": {
      const inner = value.fields.map(([k, v]) => (v === undefined ? "" : render(k, v))).join("");
      return `<${name} xsi:type="ns1:${value.type}">${inner}</${name}>`;
    }
    case "array": {
      const inner = value.items.map((v) => render("item", v)).join("");
      return (
        `<${name} SOAP-ENC:arrayType="ns1:${value.itemType}[${value.items.length}]" xsi:type="ns1:${value.type}">` +
        `${inner}</${name}>`
      );
    }
  }
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ENVELOPE_OPEN = (ns: string) =>
  `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11_NS}" xmlns:ns1="${escapeXml(ns)}" xmlns:xsd="${XSD_NS}" ` +
  `xmlns:xsi="${XSI_NS}" xmlns:SOAP-ENC="${SOAP_ENC_NS}" SOAP-ENV:encodingStyle="${SOAP_ENC_NS}">`;

/** `<ns1:{operation}Response>` with the output parts in order. */
export function answerEnvelope(namespace: string, operation: string, parts: [string, Enc][]): string {
  const inner = parts.map(([k, v]) => render(k, v)).join("");
  return (
    XML_DECL +
    ENVELOPE_OPEN(namespace) +
    `<SOAP-ENV:Body><ns1:${operation}Response>${inner}</ns1:${operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

export function faultEnvelope(namespace: string, fault: SoapFault): string {
  return (
    XML_DECL +
    ENVELOPE_OPEN(namespace) +
    `<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:${fault.code}</faultcode>` +
    `<faultstring>${escapeXml(fault.message)}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}
