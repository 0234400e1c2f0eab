import { all, el, escapeXml, localName, one, parseXmlRoot, txt, type XmlNode } from "../xml";

/**
 * Pure SOAP 1.1 rpc/encoded for PimPay Platform API v2_7 (pimpay.md §1, §4.3): envelopes rendered from templates —
 * the bytes rendered here are the bytes signed and sent — and answers read by local names.
 */

export const PIMPAY_NS = "urn:PlatformApiWsdl";
const CLIENT_NAME = "kurier-hub/1";

type Leaf = string | number | boolean | null | undefined;
const XSD: Record<string, string> = { string: "xsd:string", number: "xsd:float", boolean: "xsd:boolean" };

/** `<name xsi:type="xsd:…">value</name>`, or nothing for an absent value. */
export function leaf(name: string, value: Leaf, type?: "string" | "int" | "float" | "boolean" | "dateTime"): string {
  if (value === undefined || value === null || value === "") return "";
  const t = type ? `xsd:${type}` : (XSD[typeof value] ?? "xsd:string");
  return `<${name} xsi:type="${t}">${escapeXml(String(value))}</${name}>`;
}

/** A struct; `type` only where the WSDL's name is known (which annotations the server insists on is unconfirmed). */
export function struct(name: string, fields: string[], type?: string): string {
  const body = fields.join("");
  const attrs = type ? ` xsi:type="ns1:${type}"` : "";
  return body === "" ? "" : `<${name}${attrs}>${body}</${name}>`;
}

/** A `SOAP-ENC:Array` of `itemType`, each element `<item>`. */
export function array(name: string, arrayType: string, itemType: string, items: string[][]): string {
  const body = items.map((fields) => `<item xsi:type="ns1:${itemType}">${fields.join("")}</item>`).join("");
  return `<${name} xsi:type="ns1:${arrayType}" SOAP-ENC:arrayType="ns1:${itemType}[${items.length}]">${body}</${name}>`;
}

/** The whole request body for `method` with its parts (the first is always `token`). */
export function envelope(method: string, token: string, parts: string[] = []): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" ' +
    `xmlns:ns1="${PIMPAY_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    // The PHP SDK's headers (pimpay.md §2.1): harmless if not required.
    el("SOAP-ENV:Header", {}, el("ns1:client", {}, CLIENT_NAME), el("ns1:version", {}, "v2_7"), "<ns1:signature/>") +
    `<SOAP-ENV:Body><ns1:${method}>${leaf("token", token, "string")}${parts.join("")}</ns1:${method}></SOAP-ENV:Body>` +
    "</SOAP-ENV:Envelope>"
  );
}

export type SoapAnswer = { kind: "ok"; result: XmlNode } | { kind: "fault"; message: string } | { kind: "not-soap" };

/** The answer's `<method>Response` content (its single part, whatever PimPay names it), or the fault's text. */
export function readAnswer(xml: string, method: string): SoapAnswer {
  const root = parseXmlRoot(xml);
  if (!root || localName(root.name) !== "Envelope") return { kind: "not-soap" };
  const body = one(root.node, "Body");
  const fault = one(body, "Fault");
  if (fault) return { kind: "fault", message: txt(fault, "faultstring") ?? "SOAP Fault" };
  const response = one(body, `${method}Response`);
  if (!response) return { kind: "not-soap" };
  return { kind: "ok", result: response };
}

/** The first descendant named `name` (any prefix, depth-first): rpc/encoded wraps results in a part of any name. */
export function find(node: unknown, name: string, depth = 0): XmlNode | undefined {
  if (typeof node !== "object" || node === null || depth > 8) return undefined;
  const direct = one(node, name);
  if (direct) return direct;
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k.startsWith("@") || k === "#text") continue;
    for (const child of Array.isArray(v) ? v : [v]) {
      const found = find(child, name, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

export const findText = (node: unknown, name: string): string | undefined => {
  const n = find(node, name);
  const t = n?.["#text"];
  return t === undefined ? undefined : String(t);
};

/** `{id, status, errorMessage}` of every `<item>` under the answer's `orders` array (upsert and state results). */
export function readOrderResults(result: XmlNode): { id: string; ok: boolean; message: string }[] {
  const orders = find(result, "orders");
  return all(orders, "item").map((item) => ({
    id: txt(item, "id") ?? "",
    ok: (txt(item, "status") ?? "").toLowerCase() === "ok",
    message: txt(item, "errorMessage") ?? "",
  }));
}
