import { XMLParser } from "fast-xml-parser";

export function escapeXml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

type AttrValue = string | number | boolean | null | undefined;
export type XmlChild = string | null | undefined | false;

/** `<name a="…">children</name>`; absent attributes and children are skipped, text is escaped. */
export function el(name: string, attrs: Record<string, AttrValue> = {}, ...children: XmlChild[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join("");
  const body = children.filter((c): c is string => typeof c === "string").join("");
  return body === "" ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
}

/** A text element, or nothing when the value is empty. */
export function textEl(name: string, value: AttrValue, attrs: Record<string, AttrValue> = {}): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return el(name, attrs, escapeXml(String(value)));
}

export type XmlNode = Record<string, unknown>;

const ATTR = "@";
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

/** Parses a document and returns its root element's name and node (attributes under `@name`). */
export function parseXmlRoot(xml: string): { name: string; node: XmlNode } | null {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch {
    return null;
  }
  const name = Object.keys(doc).find((k) => !k.startsWith("?") && !k.startsWith("#"));
  if (!name) return null;
  const raw = doc[name];
  const node: XmlNode =
    typeof raw === "object" && raw !== null
      ? (raw as XmlNode)
      : { "#text": raw === undefined || raw === "" ? "" : String(raw) };
  return { name, node };
}

export const attr = (node: unknown, name: string): string | undefined => {
  if (typeof node !== "object" || node === null) return undefined;
  const v = (node as XmlNode)[ATTR + name];
  return v === undefined ? undefined : String(v);
};

export const text = (node: unknown): string | undefined => {
  if (node === undefined || node === null) return undefined;
  if (typeof node !== "object") return String(node);
  const t = (node as XmlNode)["#text"];
  return t === undefined ? undefined : String(t);
};

export const child = (node: unknown, name: string): unknown =>
  typeof node === "object" && node !== null ? (node as XmlNode)[name] : undefined;

export const children = (node: unknown, name: string): unknown[] => {
  const c = child(node, name);
  if (c === undefined || c === null) return [];
  return Array.isArray(c) ? c : [c];
};

export const childText = (node: unknown, name: string): string | undefined => {
  const c = child(node, name);
  return Array.isArray(c) ? text(c[0]) : text(c);
};

// SOAP answers prefix some elements and not others: these read children by local name.
export const localName = (key: string) => key.slice(key.indexOf(":") + 1);

/** Every child named `name` (any prefix): one element or a list, the same to the caller. */
export function all(node: unknown, name: string): XmlNode[] {
  if (typeof node !== "object" || node === null) return [];
  const out: XmlNode[] = [];
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k.startsWith("@") || k === "#text" || localName(k) !== name) continue;
    for (const item of Array.isArray(v) ? v : [v])
      out.push(typeof item === "object" && item !== null ? (item as XmlNode) : { "#text": String(item ?? "") });
  }
  return out;
}

export const one = (node: unknown, name: string): XmlNode | undefined => all(node, name)[0];

export function txt(node: unknown, name: string): string | undefined {
  const n = one(node, name);
  if (!n) return undefined;
  const t = n["#text"];
  return t === undefined ? undefined : String(t);
}
