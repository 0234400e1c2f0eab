import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import type { XmlRecord, XmlValue } from "./types";

/** SOAP 1.1 envelopes in and out: namespace-aware reading of the operation element, prefixed (`ns1:`) answers. */

export const SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";

/** A SOAP fault: `code` goes after `SOAP-ENV:` in faultcode, e.g. "Client", "Server", "Client.RateLimitExceeded". */
export class SoapFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 500,
    readonly detail?: Record<string, string>,
  ) {
    super(message);
  }
}

export interface SoapRequest {
  /** Namespace of the body's element ("" when it has none). */
  namespace: string;
  /** Its local name: the operation. */
  operation: string;
  /** Its children with prefixes and attributes dropped; repeated elements as lists. */
  params: XmlRecord;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: false,
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: true });

type Parsed = Record<string, unknown>;

const isRecord = (x: unknown): x is Parsed => typeof x === "object" && x !== null && !Array.isArray(x);
const localName = (qname: string) => qname.slice(qname.indexOf(":") + 1);
const prefixOf = (qname: string) => (qname.includes(":") ? qname.slice(0, qname.indexOf(":")) : "");

/** The namespace a prefix ("" = default) means, looking from the innermost element outwards. */
function resolvePrefix(prefix: string, scopes: Parsed[]): string | undefined {
  const attr = prefix ? `@_xmlns:${prefix}` : "@_xmlns";
  for (const scope of scopes) if (typeof scope[attr] === "string") return scope[attr];
  return undefined;
}

function childElements(node: Parsed): [string, unknown][] {
  return Object.entries(node).filter(([k]) => !k.startsWith("@_") && k !== "#text" && !k.startsWith("?"));
}

/** Reads a SOAP 1.1 request; anything that is not one becomes a Client fault (VersionMismatch for SOAP 1.2). */
export function parseEnvelope(xml: string): SoapRequest {
  if (!xml.trim()) throw new SoapFault("Client", "Пустое тело запроса: нужен SOAP-конверт (POST, text/xml)");
  // SOAP 1.1 §3 forbids a DTD; refusing it also keeps entity tricks out of the parser.
  if (/<!DOCTYPE/i.test(xml)) throw new SoapFault("Client", "SOAP-сообщение не может содержать DTD (<!DOCTYPE>)");
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new SoapFault(
      "Client",
      `Некорректный XML (строка ${valid.err.line}, столбец ${valid.err.col}): ${valid.err.msg}`,
    );
  const doc = parser.parse(xml) as Parsed;
  const roots = childElements(doc);
  const [rootName, root] = roots[0] ?? ["", undefined];
  if (roots.length !== 1 || !isRecord(root) || localName(rootName) !== "Envelope")
    throw new SoapFault("Client", "Корневой элемент должен быть SOAP-конвертом (Envelope)");
  const envNs = resolvePrefix(prefixOf(rootName), [root]);
  if (envNs === SOAP12_NS)
    throw new SoapFault("VersionMismatch", `Шлюз принимает только SOAP 1.1 (пространство имён ${SOAP11_NS})`);
  if (envNs !== SOAP11_NS)
    throw new SoapFault("Client", `Envelope должен быть в пространстве имён SOAP 1.1 ${SOAP11_NS}`);

  const bodyEntry = childElements(root).find(
    ([k]) => localName(k) === "Body" && resolvePrefix(prefixOf(k), [root]) === SOAP11_NS,
  );
  const body = bodyEntry?.[1];
  if (body === undefined || Array.isArray(body)) throw new SoapFault("Client", "В конверте нужен ровно один Body");
  const bodyScope = isRecord(body) ? body : {};
  const ops = childElements(bodyScope);
  if (ops.length !== 1 || Array.isArray(ops[0]![1]))
    throw new SoapFault("Client", "В Body нужен ровно один элемент: вызываемая операция");
  const [opName, opValue] = ops[0]!;
  const opScope = isRecord(opValue) ? opValue : {};
  return {
    namespace: resolvePrefix(prefixOf(opName), [opScope, bodyScope, root]) ?? "",
    operation: localName(opName),
    params: isRecord(opValue) ? (normalize(opValue) as XmlRecord) : {},
  };
}

/** Children by local name (qualified or not: both forms are accepted), attributes dropped, text as strings. */
function normalize(node: unknown): XmlValue {
  if (Array.isArray(node)) return node.map(normalize);
  if (!isRecord(node)) return node === undefined || node === null ? "" : String(node);
  const children = childElements(node);
  if (!children.length) return node["#text"] === undefined ? "" : String(node["#text"]);
  const out: XmlRecord = {};
  for (const [k, v] of children) {
    const name = localName(k);
    const value = normalize(v);
    const had = out[name];
    // The same local name under two prefixes (ns1:x, x) is still one list of elements.
    const more = Array.isArray(v) ? (value as XmlValue[]) : [value];
    out[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), ...more];
  }
  return out;
}

/** An answer's content: undefined fields are left out, lists become repeated elements. */
export type Out = string | number | null | undefined | Out[] | { [key: string]: Out };

function qualify(value: Out, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((v) => qualify(v, prefix));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[`${prefix}:${k}`] = qualify(v, prefix);
  return out;
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `<SOAP-ENV:Envelope><SOAP-ENV:Body><ns1:{name}>…` with every answer element qualified (elementFormDefault). */
export function answerEnvelope(namespace: string, name: string, content: Record<string, Out>): string {
  const body = builder.build({ [`ns1:${name}`]: qualify(content, "ns1") }) as string;
  return (
    XML_DECL +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11_NS}" xmlns:ns1="${escapeAttr(namespace)}">` +
    `<SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

export function faultEnvelope(fault: SoapFault): string {
  const detail = fault.detail ? `<detail>${builder.build(fault.detail) as string}</detail>` : "";
  const text = builder.build({ faultstring: fault.message }) as string;
  return (
    XML_DECL +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11_NS}"><SOAP-ENV:Body><SOAP-ENV:Fault>` +
    `<faultcode>SOAP-ENV:${fault.code}</faultcode>${text}${detail}` +
    `</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
